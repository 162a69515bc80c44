import { describe, expect, it } from 'vitest';
import { MKTD2018_RULES, runVirtualGame, makeRules, createRandom, nextBasePrice } from '../src/index.js';
import { T0, engineWith, ofKind } from './support.js';

function logReturns(tickMs: number, ticks: number, seed = 'walk'): number[] {
  const engine = engineWith({ tickMs }, seed);
  const prices = ofKind(engine.advanceTo(T0 + tickMs * ticks), 'price').map((e) => e.basePrice);
  return prices.slice(1).map((p, i) => Math.log(p / prices[i]));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('price', () => {
  it('ticks once per tick with the tick time, starting one tick after the start', () => {
    const engine = engineWith();
    expect(engine.advanceTo(T0 + 999)).toEqual([]);
    const ticks = ofKind(engine.advanceTo(T0 + 3000), 'price');
    expect(ticks.map((t) => t.tick)).toEqual([1, 2, 3]);
    expect(ticks.map((t) => t.price.time)).toEqual([1000, 2000, 3000].map((ms) => new Date(T0 + ms).toISOString()));
    expect(engine.nextDueTime()).toBe(T0 + 4000);
  });

  it('walks log-normally with σ = 0.01 per 5 s, scaled with √tick', () => {
    // 1 s ticks: σ per tick = 0.01 × √(1/5); the sample of 20 000 ticks is within 3 %.
    const perSecond = logReturns(1000, 20_000);
    expect(std(perSecond)).toBeGreaterThan(0.01 * Math.sqrt(1 / 5) * 0.97);
    expect(std(perSecond)).toBeLessThan(0.01 * Math.sqrt(1 / 5) * 1.03);
    // 5 s ticks: σ per tick = 0.01 exactly as the rule says.
    const perFive = logReturns(5000, 20_000);
    expect(std(perFive)).toBeGreaterThan(0.0097);
    expect(std(perFive)).toBeLessThan(0.0103);
  });

  it('has the same volatility per minute whatever the tick', () => {
    const perMinute = (tickMs: number) => std(logReturns(tickMs, 20_000)) * Math.sqrt(60_000 / tickMs);
    const fast = perMinute(250);
    const slow = perMinute(3000);
    expect(Math.abs(fast - slow) / slow).toBeLessThan(0.05);
    expect(fast).toBeCloseTo(0.01 * Math.sqrt(12), 3);
  });

  it('drifts by μ = 0.0001 per 5 s', () => {
    // The mean of 200 000 five-second log returns is μ within 3 standard errors.
    const r = createRandom('drift');
    let base = 1;
    let sum = 0;
    const n = 200_000;
    const rules = makeRules({ tickMs: 5000, priceFloor: 1e-9 }, 'mktd2018');
    for (let i = 0; i < n; i++) {
      const next = nextBasePrice(base, base, rules, r);
      sum += Math.log(next / base);
      base = next;
    }
    expect(Math.abs(sum / n - 0.0001)).toBeLessThan((3 * 0.01) / Math.sqrt(n));
  });

  it('publishes base + hype and a forecast of EMA(0.1) ÷ price', () => {
    const engine = engineWith();
    engine.applyGibb({ id: 'g', time: new Date(T0).toISOString(), text: 'banana great great' }, T0);
    const [tick] = ofKind(engine.advanceTo(T0 + 1000), 'price');
    expect(tick.hype).toBeCloseTo(0.02, 12);
    expect(tick.price.coins).toBeCloseTo(tick.basePrice + 0.02, 12);
    const expectedEma = 1 + 0.1 * (tick.price.coins - 1);
    expect(tick.ema).toBeCloseTo(expectedEma, 12);
    expect(tick.price.forecast).toBeCloseTo(expectedEma / tick.price.coins, 12);
    const [second] = ofKind(engine.advanceTo(T0 + 2000), 'price');
    expect(second.ema).toBeCloseTo(expectedEma + 0.1 * (second.price.coins - expectedEma), 12);
  });

  it('never publishes a price below the floor, whatever the hype', () => {
    const engine = engineWith({ priceFloor: 0.05 });
    for (let i = 0; i < 30; i++) {
      engine.applyGibb({ id: `g${i}`, time: new Date(T0).toISOString(), text: 'banana no no no no no no no no no no' }, T0);
    }
    expect(engine.snapshot().hype).toBeLessThan(-2);
    const ticks = ofKind(engine.advanceTo(T0 + 60_000), 'price');
    for (const t of ticks) expect(t.price.coins).toBeGreaterThanOrEqual(0.05);
    expect(engine.currentPrice()).toBe(0.05);
  });

  it('stays within 0.2× and 5× of its start over 3 hours for at least 19 of 20 seeds (no gibbs)', () => {
    let inside = 0;
    const spans: string[] = [];
    for (let s = 0; s < 20; s++) {
      const game = runVirtualGame({ seed: `range-${s}`, durationMs: 3 * 3600_000, rules: MKTD2018_RULES });
      expect(game.prices).toHaveLength(10_800);
      const coins = game.prices.map((p) => p.coins);
      const lo = Math.min(...coins) / game.startPrice;
      const hi = Math.max(...coins) / game.startPrice;
      spans.push(`${lo.toFixed(2)}–${hi.toFixed(2)}`);
      if (lo >= 0.2 && hi <= 5) inside++;
    }
    console.log(`3-hour price range per seed (× start): ${spans.join(', ')}; inside [0.2, 5]: ${inside}/20`);
    expect(inside).toBeGreaterThanOrEqual(19);
  });

  it('has the 2018 numbers in the mktd2018 preset', () => {
    expect(MKTD2018_RULES).toMatchObject({
      startCoins: 10,
      startShares: 5,
      tickMs: 1000,
      priceMu: 0.0001,
      priceSigma: 0.01,
      volatilityPeriodMs: 5000,
      emaFactor: 0.1,
      hypePerWord: 0.01,
      burstProbabilityPerHype: 0.01,
      burstStepMs: 5000,
      investDelayPerCoinMs: 10,
      investMaxDelayMs: 60_000,
      investReturnCap: 1.15,
      investMuBase: 0.035,
      investSaturationCoins: 1000,
      investSigma: 0.01,
      bailoutMaxCoins: 3,
      bailoutMaxShares: 0,
      bailoutCoins: 10,
      bailoutShares: 5,
      bailoutPenalty: 20,
    });
    expect(MKTD2018_RULES.burstFactors).toEqual([0.95, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 0.95, 1.2, 1.1]);
  });

  it('refuses nonsensical rules with the field named', () => {
    expect(() => makeRules({ tickMs: 0 })).toThrow(/tickMs/);
    expect(() => makeRules({ priceSigma: -1 })).toThrow(/priceSigma/);
  });
});
