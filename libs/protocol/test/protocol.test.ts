/**
 * The wire protocol: topic table, decoding with field-naming errors, and
 * encoding to exactly the 2018 game's JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_TOPICS, ACTIONS, decodeMessage, describeReceived, encode, PROTOCOL_LIMITS, TOPICS, validate } from '../src/index.js';

describe('topics', () => {
  it('keeps the 2018 names and partition counts', () => {
    expect(Object.values(TOPICS).map((t) => [t.name, t.partitions])).toEqual(
      expect.arrayContaining([
        ['share-price', 1],
        ['gibber-gibbs', 1],
        ['market-orders', 8],
        ['investment-orders', 8],
        ['feed-monkeys', 8],
        ['txn-results', 8],
        ['trader-states', 8],
      ]),
    );
    expect(TOPICS.txnRejections).toMatchObject({ name: 'txn-rejections', partitions: 8 });
    expect(TOPICS.traderStates.config['cleanup.policy']).toBe('compact');
    expect(ACTION_TOPICS.map((t) => t.name)).toEqual(['market-orders', 'investment-orders', 'feed-monkeys']);
    expect(new Set(Object.values(TOPICS).map((t) => t.name)).size).toBe(Object.values(TOPICS).length);
  });
});

describe('decoding', () => {
  it('reads a 2018 market order and ignores unknown fields', () => {
    const result = decodeMessage.marketOrder('{"time":"2018-03-16T10:00:00.000Z","txnId":"legacy_1","type":"BUY","shares":1,"extra":true}');
    expect(result).toEqual({ ok: true, value: { time: '2018-03-16T10:00:00.000Z', txnId: 'legacy_1', type: 'BUY', shares: 1 } });
  });

  it('reads trader keys and refuses bad ones naming the field', () => {
    expect(decodeMessage.traderKey('{"team":"ALOUATE","name":"legacy"}')).toEqual({ ok: true, value: { team: 'ALOUATE', name: 'legacy' } });
    const bad = decodeMessage.traderKey('{"team":"ALOU ATE","name":"legacy"}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/^key\.team: expected 1-32 characters/);
    const missing = decodeMessage.traderKey('{"team":"A"}');
    if (!missing.ok) expect(missing.error.field).toBe('key.name');
  });

  it.each([
    ['{"txnId":"x","type":"BUY","shares":0}', 'shares', /at least 1/],
    ['{"txnId":"x","type":"BUY","shares":2.5}', 'shares', /integer/],
    ['{"txnId":"x","type":"BUY","shares":"2"}', 'shares', /integer number of shares/],
    ['{"txnId":"x","type":"BUY","shares":1e12}', 'shares', /at most/],
    ['{"txnId":"x","type":"buy","shares":1}', 'type', /"BUY" or "SELL"/],
    ['{"type":"BUY","shares":1}', 'txnId', /^txnId: is missing \(expected a transaction id string\)$/],
    ['{"txnId":"x","type":"BUY","shares":1,"time":"yesterday"}', 'time', /ISO-8601/],
    ['[1,2]', '(value)', /object/],
    ['"BUY"', '(value)', /object/],
    ['{"txnId":"x","type":"BUY","shares":NaN}', '(value)', /valid JSON/],
    ['', '(value)', /empty/],
  ])('refuses market order %s naming %s', (raw, field, message) => {
    const result = decodeMessage.marketOrder(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.field).toBe(field);
      expect(result.error.message).toMatch(message);
    }
  });

  it('refuses oversized and non-UTF-8 messages before parsing them', () => {
    const huge = decodeMessage.feedMonkeys(`{"txnId":"x","monkeys":1,"pad":"${'x'.repeat(PROTOCOL_LIMITS.maxMessageBytes)}"}`);
    expect(!huge.ok && huge.error.message).toMatch(/at most 16384 bytes/);
    const binary = decodeMessage.feedMonkeys(new Uint8Array([0xc3, 0x28]));
    expect(!binary.ok && binary.error.message).toMatch(/UTF-8/);
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }), (bytes, text) => {
        for (const decodeOne of Object.values(decodeMessage)) {
          expect(() => decodeOne(bytes)).not.toThrow();
          expect(() => decodeOne(text)).not.toThrow();
        }
      }),
    );
  });

  it('investment orders take positive finite coins only', () => {
    expect(decodeMessage.investmentOrder('{"txnId":"i","invested":2.5}').ok).toBe(true);
    for (const bad of ['0', '-1', '"1"', '1e400', 'null']) {
      const result = decodeMessage.investmentOrder(`{"txnId":"i","invested":${bad}}`);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.error.field).toBe('invested');
    }
  });

  it('game events carry the seed commitment, a lowercase SHA-256, and only the end carries the seed', () => {
    const time = '2026-11-22T10:00:00.000Z';
    const commitment = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    const started = decodeMessage.gameEvent(JSON.stringify({ type: 'GAME_STARTED', time, seedCommitment: commitment, seed: 'abc' }));
    // An unknown field is dropped: a GAME_STARTED never hands a seed on.
    expect(started).toEqual({ ok: true, value: { type: 'GAME_STARTED', time, seedCommitment: commitment } });
    expect(decodeMessage.gameEvent(JSON.stringify({ type: 'GAME_RESET', time, seedCommitment: commitment })).ok).toBe(true);
    const ended = { type: 'GAME_ENDED', time, seed: 'abc', seedCommitment: commitment };
    expect(decodeMessage.gameEvent(JSON.stringify(ended))).toEqual({ ok: true, value: ended });
    for (const bad of [commitment.toUpperCase(), commitment.slice(1), `${commitment}0`, 'abc', undefined]) {
      const result = decodeMessage.gameEvent(JSON.stringify({ type: 'GAME_STARTED', time, seedCommitment: bad }));
      expect(result.ok, String(bad)).toBe(false);
      if (!result.ok) expect(result.error.field).toBe('seedCommitment');
    }
    expect(decodeMessage.gameEvent(JSON.stringify({ type: 'GAME_ENDED', time, seedCommitment: commitment })).ok).toBe(false);
  });
});

describe('encoding', () => {
  const state = { time: '2018-03-16T10:00:01.000Z', coins: 9, shares: 6, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };

  it('writes txn-results exactly in the 2018 shape and order', () => {
    expect(encode.txnResult({ txnId: 'legacy_1', type: 'MARKET', state, status: 'ACCEPTED' })).toBe(
      '{"txnId":"legacy_1","type":"MARKET","state":{"time":"2018-03-16T10:00:01.000Z","coins":9,"shares":6,"bailouts":0,"fedMonkeys":0,"inFlightInvestments":0},"status":"ACCEPTED"}',
    );
    expect(encode.txnResult({ txnId: 'x', type: 'FEED', state, status: 'REJECTED', reason: 'monkeys: expected at least 1 monkey' })).toMatch(
      /"status":"REJECTED","reason":"monkeys: expected at least 1 monkey"}$/,
    );
  });

  it('writes share prices, keys and orders in the 2018 field order', () => {
    expect(encode.sharePrice({ forecast: 1.01, coins: 1.2, time: '2018-03-16T10:00:00.000Z' })).toBe(
      '{"time":"2018-03-16T10:00:00.000Z","coins":1.2,"forecast":1.01}',
    );
    expect(encode.traderKey({ name: 'legacy', team: 'ALOUATE' })).toBe('{"team":"ALOUATE","name":"legacy"}');
    expect(encode.singleStreamKey('GNOU')).toBe('"GNOU"');
    expect(encode.marketOrder({ shares: 1, type: 'BUY', txnId: 't', time: '2018-03-16T10:00:00.000Z' })).toBe(
      '{"time":"2018-03-16T10:00:00.000Z","txnId":"t","type":"BUY","shares":1}',
    );
    expect(encode.traderState({ ...state, inFlightInvestments: 2 })).toBe(
      '{"time":"2018-03-16T10:00:01.000Z","coins":9,"shares":6,"bailouts":0,"fedMonkeys":0,"inFlightInvestments":2}',
    );
  });

  it('round-trips every valid order', () => {
    fc.assert(
      fc.property(
        fc.record({
          time: fc.date({ min: new Date('2018-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
          txnId: fc.string({ minLength: 1, maxLength: 40 }),
          type: fc.constantFrom('BUY' as const, 'SELL' as const),
          shares: fc.integer({ min: 1, max: PROTOCOL_LIMITS.maxUnitsPerAction }),
        }),
        (order) => {
          expect(decodeMessage.marketOrder(encode.marketOrder(order))).toEqual({ ok: true, value: order });
        },
      ),
    );
  });
});

describe('error texts say what arrived', () => {
  const order = (fields: string) => `{"txnId":"x","type":"BUY","shares":1,${fields}}`.replace(',}', '}');

  it.each([
    ['{"txnId":"x","type":"BUY","shares":"1"}', 'shares: expected an integer number of shares, got the string "1"'],
    ['{"txnId":"x","type":"BUY","shares":1.5}', 'shares: expected an integer number of shares, got 1.5'],
    ['{"txnId":"x","type":"BUY","shares":null}', 'shares: expected an integer number of shares, got null'],
    ['{"txnId":"x","type":"BUY","shares":[1]}', 'shares: expected an integer number of shares, got an array'],
    ['{"txnId":"x","type":"BUY","shares":{"n":1}}', 'shares: expected an integer number of shares, got an object'],
    ['{"txnId":"x","type":"BUY","shares":true}', 'shares: expected an integer number of shares, got true'],
    ['{"txnId":"x","type":"BUY","shares":-1}', 'shares: expected at least 1 share, got -1'],
    ['{"txnId":"x","type":"BUY","shares":1e400}', 'shares: expected an integer number of shares, got a number too large for a double'],
    ['{"txnId":"x","type":"BUY"}', 'shares: is missing (expected an integer number of shares)'],
    ['{"txnId":123,"type":"BUY","shares":1}', 'txnId: expected a transaction id string, got 123'],
    ['{"txnId":"","type":"BUY","shares":1}', 'txnId: expected a non-empty transaction id, got an empty string'],
    [`{"txnId":"${'t'.repeat(129)}","type":"BUY","shares":1}`, 'txnId: expected at most 128 characters, got a string of 129 characters'],
    ['{"txnId":"x","type":"buy","shares":1}', 'type: expected "BUY" or "SELL", got the string "buy"'],
    [order('"time":"garbage"'), 'time: expected an ISO-8601 date-time string (UTC when it has no zone), got the string "garbage"'],
    ['[1,2]', '(value): expected a JSON object, got an array'],
    ['"BUY"', '(value): expected a JSON object, got the string "BUY"'],
  ])('%s → %s', (raw, message) => {
    const result = decodeMessage.marketOrder(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(message);
  });

  it('says one thing per field: the first check that failed', () => {
    const result = decodeMessage.marketOrder('{"txnId":"x","type":"BUY","shares":1e20}');
    expect(!result.ok && result.error.problems).toHaveLength(1);
  });

  it('describes what it received', () => {
    expect([undefined, null, '', '1', 'x'.repeat(41), 1.5, Number.NaN, -Infinity, [], [1], {}, false].map(describeReceived)).toEqual([
      'nothing',
      'null',
      'an empty string',
      'the string "1"',
      'a string of 41 characters',
      '1.5',
      'NaN',
      '-a number too large for a double',
      'an empty array',
      'an array',
      'an object',
      'false',
    ]);
  });

  it('prefixes field paths, and names the whole value when it is not an object', () => {
    expect(validate(ACTIONS.feed.bodySchema, { monkeys: '3' }, 'data', true)).toMatchObject({
      ok: false,
      error: { message: 'data.monkeys: expected an integer number of monkeys, got the string "3"' },
    });
    for (const [value, got] of [
      ['3', 'the string "3"'],
      [null, 'null'],
      [[], 'an empty array'],
      [7, '7'],
    ] as const) {
      const result = validate(ACTIONS.feed.bodySchema, value, 'data', true);
      expect(!result.ok && result.error.message).toBe(`data: expected a JSON object, got ${got}`);
    }
    expect(
      !validate(ACTIONS.feed.bodySchema, undefined, 'data', true).ok && validate(ACTIONS.feed.bodySchema, undefined, 'data', true),
    ).toMatchObject({
      error: { message: 'data: is missing (expected a JSON object)' },
    });
  });

  it('names unknown fields of a strict schema with the known ones', () => {
    const strict = z.object({ seed: z.string().optional() }).strict().optional();
    const result = validate(strict, { sed: 'x' }, 'body');
    expect(!result.ok && result.error.message).toBe('sed: not a known field (known fields: seed)');
  });
});

describe('the time of an order', () => {
  it.each([
    ['2026-12-03T08:00:00', '2026-12-03T08:00:00Z'],
    ['2026-12-03T08:00:00.123456', '2026-12-03T08:00:00.123456Z'],
    ['2026-12-03T08:00:00Z', '2026-12-03T08:00:00Z'],
    ['2026-12-03T09:00:00+01:00', '2026-12-03T09:00:00+01:00'],
  ])('reads %s (no zone: UTC, as 2018 Joda did)', (time, read) => {
    const result = decodeMessage.marketOrder(`{"time":"${time}","txnId":"x","type":"BUY","shares":1}`);
    expect(result).toEqual({ ok: true, value: { time: read, txnId: 'x', type: 'BUY', shares: 1 } });
    expect(Number.isNaN(Date.parse(read))).toBe(false);
  });

  it('reads a time without a zone as UTC', () => {
    const result = decodeMessage.marketOrder('{"time":"2026-12-03T08:00:00","txnId":"x","type":"BUY","shares":1}');
    expect(result.ok && Date.parse(result.value.time ?? '')).toBe(Date.UTC(2026, 11, 3, 8, 0, 0));
  });

  it('checks the time of an HTTP or WebSocket body by the same rule', () => {
    for (const spec of Object.values(ACTIONS)) {
      const bad = validate(spec.bodySchema, { time: 'garbage' }, 'body');
      expect(!bad.ok && bad.error.problems.some((p) => p.field === 'time')).toBe(true);
    }
    expect(validate(ACTIONS.feed.bodySchema, { monkeys: 1, time: '2026-12-03T08:00:00' }).ok).toBe(true);
  });
});
