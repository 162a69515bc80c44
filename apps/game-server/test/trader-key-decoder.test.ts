/**
 * The remembering trader-key decoder answers exactly what decodeMessage.traderKey answers, the first
 * time and every time after, for any key (valid, invalid, as text or bytes, past its bound).
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, type RawMessage } from '@banana-market/protocol';
import { decodeTraderKey } from '../src/game/trader-key-decoder.js';

const KEYS: RawMessage[] = [
  Buffer.from('{"team":"ALOUATE","name":"legacy"}'),
  Buffer.from('{ "name" : "legacy", "team" : "ALOUATE", "extra": 1 }'),
  Buffer.from('{"team":"ALOU ATE","name":"legacy"}'),
  Buffer.from('{"team":"A"}'),
  Buffer.from('not json'),
  Buffer.from([0xff, 0xfe]),
  Buffer.alloc(0),
  Buffer.from(`{"team":"A","name":"${'n'.repeat(600)}"}`),
  new Uint8Array(Buffer.from('{"team":"T","name":"u8"}')),
  '{"team":"T","name":"text"}',
  null,
  undefined,
];

describe('decodeTraderKey', () => {
  it('answers what decodeMessage.traderKey answers, again and again', () => {
    for (let round = 0; round < 3; round += 1) {
      for (const key of KEYS) expect(decodeTraderKey(key)).toEqual(decodeMessage.traderKey(key));
    }
  });

  it('gives every caller an object of its own, fields in the schema order', () => {
    const key = Buffer.from('{"name":"legacy","team":"ALOUATE"}');
    const first = decodeTraderKey(key);
    if (!first.ok) throw new Error('expected a trader');
    first.value.name = 'changed';
    const second = decodeTraderKey(key);
    expect(second).toEqual({ ok: true, value: { team: 'ALOUATE', name: 'legacy' } });
    expect(second.ok && Object.keys(second.value)).toEqual(['team', 'name']);
  });

  it('stays right past its bound (a flood of made-up keys)', () => {
    for (let i = 0; i < 10_050; i += 1) decodeTraderKey(Buffer.from(`{"team":"flood","name":"n${i}"}`));
    for (const key of [...KEYS, Buffer.from('{"team":"flood","name":"n3"}'), Buffer.from('{"team":"flood","name":"n10049"}')]) {
      expect(decodeTraderKey(key)).toEqual(decodeMessage.traderKey(key));
    }
  });
});
