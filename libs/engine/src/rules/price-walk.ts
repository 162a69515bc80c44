/**
 * The share price: a log-normal random walk of the base price, plus the hype,
 * never below the floor; and the forecast traders read from it.
 */
import type { GameRules } from '../rules.js';
import type { RandomSource } from '../random.js';

/**
 * One tick of the walk. The rules give drift and volatility per
 * `volatilityPeriodMs`; drift scales with the tick length and σ with its
 * square root, so the volatility per minute does not depend on the tick.
 * With `priceReversion` the log price is also pulled toward the fundamental
 * (an Ornstein–Uhlenbeck step); at 0 it is the 2018 random walk, draw for draw.
 */
export function nextBasePrice(basePrice: number, fundamental: number, rules: GameRules, random: RandomSource): number {
  const periods = rules.tickMs / rules.volatilityPeriodMs;
  const pull = Math.min(1, rules.priceReversion * periods) * Math.log(fundamental / basePrice);
  const next = basePrice * random.logNormal(rules.priceMu * periods + pull, rules.priceSigma * Math.sqrt(periods));
  return Math.max(rules.priceFloor, next);
}

/** The fundamental value drifts like the price would, only slower: what the base price reverts to. */
export function nextFundamental(fundamental: number, rules: GameRules, random: RandomSource): number {
  const periods = rules.tickMs / rules.volatilityPeriodMs;
  return Math.max(rules.priceFloor, fundamental * random.logNormal(rules.priceMu * periods, rules.fundamentalSigma * Math.sqrt(periods)));
}

export function publishedPrice(basePrice: number, hype: number, rules: GameRules): number {
  return Math.max(rules.priceFloor, basePrice + hype);
}

export function nextEma(ema: number, price: number, rules: GameRules): number {
  return ema + rules.emaFactor * (price - ema);
}

/** EMA ÷ price: above 1 the price is below its trend, so expect a rise. */
export function forecastOf(ema: number, price: number): number {
  return ema / price;
}
