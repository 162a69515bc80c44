import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../src/iso-time.js';

describe('isoTime', () => {
  it('writes what toISOString writes, whatever times come in a row', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { maxLength: 20 }), (times) => {
        for (const ms of [...times, ...times.toReversed()]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
    );
  });

  it('gives the same text for the same ms twice, and another for the next ms', () => {
    expect(isoTime(1_543_482_000_000)).toBe('2018-11-29T09:00:00.000Z');
    expect(isoTime(1_543_482_000_000)).toBe('2018-11-29T09:00:00.000Z');
    expect(isoTime(1_543_482_000_001)).toBe('2018-11-29T09:00:00.001Z');
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(-0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('throws on an invalid time, as toISOString does, even after a valid one', () => {
    isoTime(0);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
