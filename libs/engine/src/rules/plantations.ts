/**
 * Investments in plantations: the more the whole market has ever invested,
 * the longer a plantation takes and the less it returns.
 */
import type { GameRules } from '../rules.js';
import type { RandomSource } from '../random.js';

export function investmentDelayMs(totalInvested: number, rules: GameRules): number {
  return Math.min(rules.investDelayPerCoinMs * totalInvested, rules.investMaxDelayMs);
}

export function investmentReturnMultiplier(totalInvested: number, rules: GameRules, random: RandomSource): number {
  const mu = rules.investMuBase + Math.exp(-1 - totalInvested / rules.investSaturationCoins);
  return Math.min(rules.investReturnCap, random.logNormal(mu, rules.investSigma));
}
