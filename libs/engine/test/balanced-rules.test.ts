/**
 * The balanced default rules: plantations that saturate, bailouts that cannot
 * be farmed, gibbs with limits, hype that fades and bursts from both sides,
 * a trade fee, and a price that reverts to a drifting fundamental.
 */
import { describe, expect, it } from 'vitest';
import type { GameEvent } from '@banana-market/protocol';
import { correlation, DEFAULT_RULES, MarketEngine, makeRules, runVirtualGame, type GameRulesInput } from '../src/index.js';
import { T0, alice, bob, ofKind, results } from './support.js';

function balanced(rules: Partial<GameRulesInput> = {}, seed = 'balanced'): MarketEngine {
  return new MarketEngine({ seed, startTime: T0, rules: makeRules(rules) });
}

const invest = (txnId: string, invested: number) => ({ kind: 'invest' as const, order: { txnId, invested } });
const gibb = (id: string, text: string, at: number, author?: string) => ({
  id: author === undefined ? id : `gibber:${author}:${id}`,
  time: new Date(at).toISOString(),
  text,
});
const hypeChanges = (events: readonly { kind: string }[]) =>
  ofKind(events as never, 'game-event')
    .map((e) => e.event)
    .filter((e): e is Extract<GameEvent, { type: 'HYPE_CHANGED' }> => e.type === 'HYPE_CHANGED');

describe('plantations (saturating)', () => {
  it('pay less as the market invests within the window, below zero when it over-invests, and recover after it', () => {
    const engine = balanced({ investSigma: 0, startCoins: 100_000, investTraderCapacityCoins: 1e9 });
    expect(engine.plantationYield(T0)).toBeCloseTo(DEFAULT_RULES.investYieldMax, 9);
    engine.executeAction(alice, invest('half', DEFAULT_RULES.investSaturationCoins / 2), T0);
    expect(engine.plantationYield(T0)).toBeCloseTo(DEFAULT_RULES.investYieldMax / 2, 9);
    engine.executeAction(alice, invest('rest', (3 * DEFAULT_RULES.investSaturationCoins) / 2), T0);
    // Twice its capacity in the last 10 minutes: a new coin is expected to lose investYieldMax.
    expect(engine.plantationYield(T0)).toBeCloseTo(-DEFAULT_RULES.investYieldMax, 9);
    engine.executeAction(bob, invest('b', 10), T0);
    engine.advanceTo(T0 + DEFAULT_RULES.investDelayMs);
    expect(engine.traderState(bob)?.coins).toBeLessThan(100_000); // the 10 coins came back as less than 10
    expect(engine.plantationYield(T0 + DEFAULT_RULES.investWindowMs + 1)).toBeCloseTo(DEFAULT_RULES.investYieldMax, 9);
  });

  it('pay the same for one order of 10 coins as for ten orders of 1: splitting gains nothing', () => {
    const one = balanced({ investSigma: 0 });
    const ten = balanced({ investSigma: 0 });
    one.executeAction(alice, invest('all', 10), T0);
    for (let i = 0; i < 10; i++) ten.executeAction(alice, invest(`crumb-${i}`, 1), T0);
    const due = T0 + DEFAULT_RULES.investDelayMs;
    one.advanceTo(due);
    ten.advanceTo(due);
    expect(ten.traderState(alice)?.coins).toBeCloseTo(one.traderState(alice)?.coins ?? Number.NaN, 9);
  });

  it('pay a trader less the more it already has growing (diminishing returns)', () => {
    const engine = balanced({ investSigma: 0, startCoins: 1000 });
    engine.executeAction(alice, invest('first', 10), T0);
    engine.executeAction(bob, invest('bob', 10), T0);
    engine.executeAction(alice, invest('second', 10), T0);
    const due = T0 + DEFAULT_RULES.investDelayMs;
    engine.advanceTo(due);
    const aliceGain = (engine.traderState(alice)?.coins ?? 0) - (1000 - 20);
    const bobGain = (engine.traderState(bob)?.coins ?? 0) - (1000 - 10);
    // Alice's second 10 coins earned less than Bob's 10, though Bob came between.
    expect(aliceGain).toBeLessThan(2 * bobGain);
  });
});

describe('bailouts', () => {
  it('are worth less than their penalty at any price: shares only', () => {
    expect(DEFAULT_RULES.bailoutCoins).toBe(0);
    expect(DEFAULT_RULES.bailoutShares).toBeLessThan(DEFAULT_RULES.bailoutPenalty);
    const engine = balanced();
    const events = engine.executeAction(alice, { kind: 'feed', order: { txnId: 'f', monkeys: 5 } }, T0);
    engine.executeAction(alice, { kind: 'market', order: { txnId: 'b', type: 'BUY', shares: 1 } }, T0);
    const bailout = results(events).find((r) => r.type === 'BAILOUT');
    expect(bailout).toBeUndefined(); // 10 coins left: not broke yet
    const spend = engine.executeAction(alice, { kind: 'invest', order: { txnId: 'i', invested: 7 } }, T0);
    expect(results(spend).some((r) => r.type === 'BAILOUT')).toBe(false); // a plantation is growing
  });
});

describe('gibbs with limits', () => {
  it('move the hype by at most hypeMaxPerGibb, and keep it within [hypeMin, hypeMax]', () => {
    const engine = balanced({ gibbsPerAuthorPerWindow: 1000 });
    const loud = `banana ${'great '.repeat(91)}`;
    const [first] = hypeChanges(engine.applyGibb(gibb('g1', loud, T0), T0));
    expect(first.delta).toBeCloseTo(DEFAULT_RULES.hypeMaxPerGibb, 12);
    for (let i = 0; i < 30; i++) engine.applyGibb(gibb(`up-${i}`, loud, T0), T0);
    expect(engine.snapshot().hype).toBeLessThanOrEqual(DEFAULT_RULES.hypeMax);
    const gloom = `banana ${'no '.repeat(91)}`;
    for (let i = 0; i < 60; i++) engine.applyGibb(gibb(`down-${i}`, gloom, T0), T0);
    expect(engine.snapshot().hype).toBeGreaterThanOrEqual(DEFAULT_RULES.hypeMin);
    expect(engine.currentPrice()).toBeGreaterThan(0.5); // the 2018 exploit pinned it at the 0.01 floor
  });

  it('count at most gibbsPerAuthorPerWindow of one author (named by the gibb id) per window; others still count', () => {
    const engine = balanced({ burstProbabilityPerHype: 0 });
    const moved = (id: string, author: string | undefined, at: number) =>
      hypeChanges(engine.applyGibb(gibb(id, 'banana great', at, author), at)).length;
    const limit = DEFAULT_RULES.gibbsPerAuthorPerWindow;
    for (let i = 0; i < limit; i++) expect(moved(`m${i}`, 'mallory', T0 + i)).toBe(1);
    expect(moved('m-over', 'mallory', T0 + limit)).toBe(0);
    expect(moved('a1', 'alice', T0 + limit)).toBe(1);
    expect(moved('m-later', 'mallory', T0 + DEFAULT_RULES.gibbAuthorWindowMs + 1)).toBe(1);
    // Gibbs whose id names no author (an X tweet, a replay, a 2018 client) are not limited per author.
    for (let i = 0; i <= limit; i++) expect(moved(`x:${i}`, undefined, T0 + i)).toBe(1);
  });

  it('let negative hype burst back toward 0, as positive hype does', () => {
    const engine = balanced({ burstProbabilityPerHype: 1000, gibbsPerAuthorPerWindow: 1000 });
    const events = engine.applyGibb(gibb('gloom', 'banana no no no', T0), T0);
    const started = ofKind(events, 'game-event').find((e) => e.event.type === 'BUBBLE_BURST_STARTED');
    expect(started).toBeDefined();
    const hypeBefore = engine.snapshot().hype;
    expect(hypeBefore).toBeLessThan(0);
    engine.advanceTo(T0 + 4 * DEFAULT_RULES.burstStepMs);
    expect(engine.snapshot().hype).toBeGreaterThan(hypeBefore);
    expect(engine.snapshot().hype).toBeLessThan(0);
  });

  it('fade toward 0 with a half-life between gibbs', () => {
    const engine = balanced({ burstProbabilityPerHype: 0, priceSigma: 0 });
    engine.applyGibb(gibb('g', 'banana great great great', T0), T0);
    const hype = engine.snapshot().hype;
    engine.advanceTo(T0 + DEFAULT_RULES.hypeHalfLifeMs);
    expect(engine.snapshot().hype).toBeCloseTo(hype / 2, 9);
  });
});

describe('trading', () => {
  it('costs the trade fee both ways', () => {
    const engine = balanced();
    const price = engine.currentPrice();
    const [bought] = results(engine.executeAction(alice, { kind: 'market', order: { txnId: 'b', type: 'BUY', shares: 2 } }, T0));
    expect(bought.state.coins).toBeCloseTo(10 - 2 * price * (1 + DEFAULT_RULES.tradeFee), 12);
    const [sold] = results(engine.executeAction(alice, { kind: 'market', order: { txnId: 's', type: 'SELL', shares: 2 } }, T0));
    expect(sold.state.coins).toBeCloseTo(bought.state.coins + 2 * price * (1 - DEFAULT_RULES.tradeFee), 12);
  });
});

describe('the price and its forecast', () => {
  it('revert to a drifting fundamental, so the forecast predicts the next minute (correlation ≥ 0.2) and the price stays sane', () => {
    const forecasts: number[] = [];
    const returns: number[] = [];
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    for (let s = 0; s < 6; s++) {
      const { prices } = runVirtualGame({ seed: `forecast-${s}`, durationMs: 3 * 3600_000 });
      for (let i = 0; i + 60 < prices.length; i++) {
        forecasts.push(prices[i].forecast - 1);
        returns.push(prices[i + 60].coins / prices[i].coins - 1);
      }
      for (const p of prices) [low, high] = [Math.min(low, p.coins), Math.max(high, p.coins)];
    }
    const r = correlation(forecasts, returns);
    console.log(`forecast vs next-minute return: r = ${r.toFixed(3)} over 6 seeds × 3 h; price range ${low.toFixed(2)}–${high.toFixed(2)}`);
    expect(r).toBeGreaterThanOrEqual(0.2);
    expect(low).toBeGreaterThan(0.2);
    expect(high).toBeLessThan(5);
  }, 60_000);
});
