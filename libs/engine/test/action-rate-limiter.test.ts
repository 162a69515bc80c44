import { describe, expect, it } from 'vitest';
import { ActionRateLimiter } from '../src/action-rate-limiter.js';

const limit = { perSecond: 20, burst: 40 };

/** Takes `n` actions of `trader` at `at`, returning the verdicts (0: allowed, else ms to wait). */
const takeMany = (limiter: ActionRateLimiter, trader: string, n: number, at: number) => Array.from({ length: n }, () => limiter.take(trader, at));

describe('ActionRateLimiter', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const limiter = new ActionRateLimiter(limit);
    expect(takeMany(limiter, 'A/a', 40, 1_000).every((v) => v === 0)).toBe(true);
    // 20/s: a token every 50 ms.
    expect(limiter.take('A/a', 1_000)).toBe(50);
    expect(limiter.take('A/a', 1_030)).toBe(20);
    expect(limiter.take('A/a', 1_050)).toBe(0);
    expect(limiter.take('A/a', 1_050)).toBe(50);
  });

  it('sustains the rate and no more: 20 actions per second over ten seconds of game time', () => {
    const limiter = new ActionRateLimiter(limit);
    let allowed = 0;
    // 100 attempts a second (one every 10 ms) for 10 s.
    for (let t = 0; t < 10_000; t += 10) if (limiter.take('A/a', t) === 0) allowed++;
    expect(allowed).toBe(40 + 20 * 10 - 1); // the burst, then one every 50 ms after the first (t = 0 refills nothing)
  });

  it('keeps each trader to its own bucket', () => {
    const limiter = new ActionRateLimiter(limit);
    takeMany(limiter, 'A/a', 41, 0);
    expect(limiter.take('A/a', 0)).toBeGreaterThan(0);
    expect(limiter.take('B/b', 0)).toBe(0);
  });

  it('refuses without taking: a refused flood does not push the next token further away', () => {
    const limiter = new ActionRateLimiter(limit);
    takeMany(limiter, 'A/a', 40, 0);
    takeMany(limiter, 'A/a', 1_000, 10);
    expect(limiter.take('A/a', 50)).toBe(0);
  });

  it('believes a stamped time only within the last minute and not before the previous action', () => {
    const limiter = new ActionRateLimiter(limit);
    const now = 100_000;
    takeMany(limiter, 'A/a', 40, now);
    // Written in the future: counted as now (no tokens earned).
    expect(limiter.take('A/a', now, now + 1_000_000)).toBe(50);
    // Written just before the previous action: counted at the previous action.
    expect(limiter.take('A/a', now, now - 10_000)).toBe(50);
    // Unreadable: now.
    expect(limiter.take('A/a', now + 50, Number.NaN)).toBe(0);
  });

  it('counts the orders of a client whose clock is wrong (a fixed time) as they arrive', () => {
    const limiter = new ActionRateLimiter(limit);
    const fixed = Date.UTC(2018, 2, 16, 10);
    let allowed = 0;
    for (let t = 1_000_000; t < 1_010_000; t += 10) if (limiter.take('A/a', t, fixed) === 0) allowed++;
    expect(allowed).toBe(40 + 20 * 10 - 1);
  });

  it('reaches the same verdicts from the stamped times when it counts later (a task behind its gateway)', () => {
    const gateway = new ActionRateLimiter(limit);
    const task = new ActionRateLimiter(limit);
    const times = Array.from({ length: 300 }, (_, i) => Math.floor(i * 7.3));
    const admitted = times.filter((t) => gateway.take('A/a', t) === 0);
    // The task reads each admitted order some milliseconds later, in order.
    const taskVerdicts = admitted.map((t, i) => task.take('A/a', t + 5 + (i % 3) * 20, t));
    expect(admitted.length).toBeLessThan(times.length);
    expect(taskVerdicts.every((v) => v === 0)).toBe(true);
  });

  it('counts nothing when off (ACTION_RATE=0)', () => {
    const limiter = new ActionRateLimiter({ perSecond: 0, burst: 0 });
    expect(limiter.enabled).toBe(false);
    expect(takeMany(limiter, 'A/a', 10_000, 0).every((v) => v === 0)).toBe(true);
    expect(limiter.tracked).toBe(0);
  });

  it('stays bounded under a flood of made-up traders: buckets that refilled are dropped', () => {
    const limiter = new ActionRateLimiter(limit, 100);
    for (let i = 0; i < 10_000; i++) limiter.take(`FLOOD/${i}`, i * 10);
    expect(limiter.tracked).toBeLessThanOrEqual(200);
    // A trader still short of tokens is kept.
    takeMany(limiter, 'A/a', 41, 100_000);
    for (let i = 0; i < 300; i++) limiter.take(`LATER/${i}`, 100_001);
    expect(limiter.take('A/a', 100_001)).toBeGreaterThan(0);
  });

  it('refuses a limit it cannot apply', () => {
    expect(() => new ActionRateLimiter({ perSecond: -1, burst: 40 })).toThrow(/perSecond/);
    expect(() => new ActionRateLimiter({ perSecond: 20, burst: 0 })).toThrow(/burst/);
  });
});
