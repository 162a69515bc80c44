/**
 * Investments in plantations.
 *
 * saturating (the default): a plantation pays after `investDelayMs`, and its
 * yield falls with the coins the whole market invested in the last
 * `investWindowMs` and with the coins the trader already has growing. Both
 * use the order's midpoint (what was there before plus half of the order), so
 * one order of 10 coins pays exactly what ten orders of 1 coin pay: splitting
 * gains nothing. The yield goes below zero when the market over-invests, so
 * compounding is good early and bad when everyone does it.
 *
 * mktd2018: the more the whole market has ever invested, the longer a
 * plantation takes and the less it returns — but never less than ~3.6 %.
 */
import type { GameRules } from '../rules.js';
import type { RandomSource } from '../random.js';

export interface PlantationLoad {
  /** Coins the whole market invested within the window, before this order. */
  readonly recentMarketCoins: number;
  /** Coins this trader has growing, before this order. */
  readonly traderGrowingCoins: number;
}

/** The expected yield (multiplier − 1) of an order of `coins` under the saturating model. */
export function expectedYield(coins: number, load: PlantationLoad, rules: GameRules): number {
  const market = (load.recentMarketCoins + coins / 2) / rules.investSaturationCoins;
  const trader = (load.traderGrowingCoins + coins / 2) / rules.investTraderCapacityCoins;
  return rules.investYieldMax * (1 - market - trader);
}

export function saturatingMultiplier(coins: number, load: PlantationLoad, rules: GameRules, random: RandomSource): number {
  const mean = 1 + expectedYield(coins, load, rules);
  const sampled = mean * random.logNormal(0, rules.investSigma);
  return Math.min(rules.investReturnCap, Math.max(rules.investReturnFloor, sampled));
}

export function investmentDelayMs(totalInvested: number, rules: GameRules): number {
  if (rules.plantationModel === 'saturating') return rules.investDelayMs;
  return Math.min(rules.investDelayPerCoinMs * totalInvested, rules.investMaxDelayMs);
}

/** mktd2018's multiplier, from every coin ever invested. */
export function investmentReturnMultiplier(totalInvested: number, rules: GameRules, random: RandomSource): number {
  const mu = rules.investMuBase + Math.exp(-1 - totalInvested / rules.investSaturationCoins);
  return Math.min(rules.investReturnCap, random.logNormal(mu, rules.investSigma));
}
