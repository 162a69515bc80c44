/**
 * What a broken bot may put on an action topic: each case with the key, the
 * value, and what the dead letter's reason must say.
 */
export type GarbageCase = [label: string, key: string | Uint8Array | null, value: string | Uint8Array | null, reason: RegExp];

/** Cases whose key is `traderKey` get a REJECTED result; the last two have unreadable keys. */
export function garbageFor(traderKey: string): GarbageCase[] {
  return [
    ['not JSON', traderKey, 'BUY 3 please', /valid JSON/],
    ['wrong types', traderKey, '{"txnId":"g1","type":"BUY","shares":"three","monkeys":"x","invested":"y"}', /expected/],
    ['NaN', traderKey, '{"txnId":"g2","type":"BUY","shares":NaN,"monkeys":NaN,"invested":NaN}', /valid JSON/],
    ['negative', traderKey, '{"txnId":"g3","type":"SELL","shares":-1,"monkeys":-1,"invested":-1}', /(shares|monkeys|invested)/],
    ['1 MiB value', traderKey, `{"txnId":"g4","pad":"${'x'.repeat(1 << 20)}"}`, /at most 16384 bytes/],
    ['empty value', traderKey, '', /empty/],
    ['null value', traderKey, null, /nothing/],
    ['invalid UTF-8', traderKey, new Uint8Array([0xff, 0xfe, 0x7b]), /UTF-8/],
    ['empty key', '', '{"txnId":"g5","type":"BUY","shares":1,"monkeys":1,"invested":1}', /^key: /],
    ['bad key', '{"team":"has space","name":"x"}', '{"txnId":"g6","type":"BUY","shares":1,"monkeys":1,"invested":1}', /^key\.team: /],
  ];
}
