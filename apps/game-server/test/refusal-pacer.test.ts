/** When refusals for the rate limit are answered: at the trader's Retry-After, each waiting one a token later. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_HELD, MAX_HOLD_MS, RefusalPacer } from '../src/game/refusal-pacer.js';

const A = { team: 'A', name: 'a' };
const B = { team: 'B', name: 'b' };

describe('RefusalPacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers the first refusal at its Retry-After and each one waiting behind it a token later', () => {
    const pacer = new RefusalPacer({ perSecond: 20, burst: 40 });
    const answered: number[] = [];
    for (let k = 0; k < 4; k++) pacer.hold(A, 30, () => answered.push(Date.now()));
    const start = Date.now();
    vi.advanceTimersByTime(29);
    expect(answered).toEqual([]);
    vi.advanceTimersByTime(200);
    // 30, 80, 130, 180 ms: spread out, as the limit would let them through.
    expect(answered.map((t) => t - start)).toEqual([30, 80, 130, 180]);
  });

  it("paces each trader on its own, and starts over once a trader's refusals are answered", () => {
    const pacer = new RefusalPacer({ perSecond: 20, burst: 40 });
    const answered: string[] = [];
    pacer.hold(A, 50, () => answered.push('A1'));
    pacer.hold(A, 50, () => answered.push('A2'));
    pacer.hold(B, 50, () => answered.push('B1'));
    vi.advanceTimersByTime(50);
    expect(answered).toEqual(['A1', 'B1']);
    vi.advanceTimersByTime(50);
    expect(answered).toEqual(['A1', 'B1', 'A2']);
    pacer.hold(A, 50, () => answered.push('A3'));
    vi.advanceTimersByTime(50);
    expect(answered.at(-1)).toBe('A3');
  });

  it('holds no refusal longer than MAX_HOLD_MS, and answers at once past MAX_HELD waiting', async () => {
    const pacer = new RefusalPacer({ perSecond: 1, burst: 2 });
    let answered = 0;
    for (let k = 0; k < MAX_HELD + 5; k++) pacer.hold(A, 1000, () => answered++);
    expect(answered).toBe(5);
    vi.advanceTimersByTime(MAX_HOLD_MS);
    expect(answered).toBe(MAX_HELD + 5);
    const later = pacer.later(B, 10, () => 'frame');
    vi.advanceTimersByTime(10);
    await expect(later).resolves.toBe('frame');
  });
});
