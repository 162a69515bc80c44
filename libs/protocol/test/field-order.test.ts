/**
 * The ordered-JSON writer: the same text as JSON.stringify of an object holding the fields in order
 * (the form the encoders used before), without building that object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalState, encode, encodeTxnRejection, type TxnResult } from '../src/index.js';
import { orderedJsonWriter } from '../src/field-order.js';

/** The object form: what every encoder wrote before the writer. */
function objectForm<T extends object>(value: T, keys: readonly (keyof T)[]): string {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (value[key] !== undefined) out[key as string] = value[key];
  return JSON.stringify(out);
}

type Loose = Record<string, unknown>;

describe('orderedJsonWriter', () => {
  it('writes the fields in the given order, whatever order the value has them in', () => {
    const write = orderedJsonWriter<Loose>(['team', 'name']);
    expect(write({ name: 'legacy', team: 'ALOUATE' })).toBe('{"team":"ALOUATE","name":"legacy"}');
  });

  it('leaves out undefined fields, and fields JSON has no form for, as JSON.stringify of the object did', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const write = orderedJsonWriter<Loose>(keys);
    const value: Loose = { a: undefined, b: () => 1, c: Symbol('c'), d: null, e: Number.NaN, f: 'x"\u2028\ud800' };
    expect(write(value)).toBe(objectForm(value, keys));
    expect(write(value)).toBe('{"d":null,"e":null,"f":"x\\"\u2028\\ud800"}');
    expect(write({})).toBe('{}');
    expect(write({ b: () => 1 })).toBe('{}');
    expect(write({ f: 1, zzz: 2 })).toBe('{"f":1}');
  });

  it('writes nested objects, arrays and dates as JSON.stringify does', () => {
    const keys = ['time', 'nested', 'list'];
    const value: Loose = { list: [1, undefined, { y: 2, x: 1 }], nested: { b: 1, a: { c: undefined } }, time: new Date(0) };
    expect(orderedJsonWriter<Loose>(keys)(value)).toBe(objectForm(value, keys));
  });

  it('orders integer-like keys first and writes a repeated key once, as an object did', () => {
    const keys = ['b', '2', 'a', '1', 'b'];
    const value: Loose = { a: 'A', b: 'B', 1: 'one', 2: 'two' };
    expect(orderedJsonWriter<Loose>(keys)(value)).toBe(objectForm(value, keys));
  });

  it('writes a nested field with its own writer, and leaves it out when undefined', () => {
    const inner = orderedJsonWriter<Loose>(['y', 'x']);
    const write = orderedJsonWriter<Loose>(['id', 'inner', 'after'], { inner });
    expect(write({ after: 2, inner: { x: 1, y: 2, z: 3 }, id: 'i' })).toBe('{"id":"i","inner":{"y":2,"x":1},"after":2}');
    expect(write({ id: 'i', after: 2 })).toBe('{"id":"i","after":2}');
    expect(write({ inner: {} })).toBe('{"inner":{}}');
  });

  it('matches the object form on any value', () => {
    const keys = ['time', 'txnId', 'type', 'shares', 'other'];
    const write = orderedJsonWriter<Loose>(keys);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.oneof(fc.jsonValue(), fc.constant(undefined))), (value) => {
        expect(write(value)).toBe(objectForm(value, keys));
      }),
    );
  });
});

describe('encoders with a nested state', () => {
  const state = fc.record({
    time: fc.constantFrom('2018-11-06T09:00:00.000Z', '2026-12-03T08:00:00.123Z'),
    coins: fc.double(),
    shares: fc.integer(),
    bailouts: fc.nat(),
    fedMonkeys: fc.nat(),
    inFlightInvestments: fc.nat(),
  });

  it('txnResult writes what JSON.stringify of the result with its canonical state wrote', () => {
    const result = fc.record(
      {
        txnId: fc.string(),
        type: fc.constantFrom('MARKET', 'INVEST', 'FEED', 'BAILOUT', 'RETURN'),
        state,
        status: fc.constantFrom('ACCEPTED', 'INSUFFICIENT_COINS', 'INSUFFICIENT_SHARES', 'REJECTED'),
        reason: fc.string(),
      },
      { requiredKeys: ['txnId', 'type', 'state', 'status'] },
    );
    fc.assert(
      fc.property(result, (v) => {
        const before = JSON.stringify({
          txnId: v.txnId,
          type: v.type,
          state: canonicalState(v.state),
          status: v.status,
          ...(v.reason !== undefined ? { reason: v.reason } : {}),
        });
        expect(encode.txnResult(v as TxnResult)).toBe(before);
      }),
    );
  });

  it('a rejection writes its state as txn-results do, and none when it has none', () => {
    const rejection = { txnId: 't', type: 'MARKET', status: 'REJECTED', reason: 'r' } as const;
    const withState = {
      ...rejection,
      state: { inFlightInvestments: 0, fedMonkeys: 1, bailouts: 0, shares: 2, coins: 3.5, time: '2018-11-06T09:00:00.000Z' },
    };
    expect(encodeTxnRejection(rejection)).toBe('{"txnId":"t","type":"MARKET","status":"REJECTED","reason":"r"}');
    expect(encodeTxnRejection(withState)).toBe(
      '{"txnId":"t","type":"MARKET","status":"REJECTED","reason":"r","state":{"time":"2018-11-06T09:00:00.000Z","coins":3.5,"shares":2,"bailouts":0,"fedMonkeys":1,"inFlightInvestments":0}}',
    );
  });
});
