/**
 * The game's rules as numbers. Every one is configurable per game; the
 * defaults are those of docs/design.md (the 2018 workshop's).
 */
import { z } from 'zod';
import { NEW_TRADER_START } from '@banana-market/protocol';

export const BURST_FACTORS_2018 = [0.95, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 0.95, 1.2, 1.1] as const;

export const POSITIVE_WORDS_2018 = [
  'yes',
  'happy',
  'good',
  'great',
  'better',
  'best',
  'up',
  'safe',
  'sane',
  'sweet',
  'buy',
  'like',
  'love',
  'high',
  'nice',
  'certain',
  'sure',
  'solid',
  'mktd',
  'thank',
  'thanks',
  'merci',
  'super',
] as const;

export const NEGATIVE_WORDS_2018 = [
  'no',
  'sad',
  'bad',
  'worse',
  'worst',
  'down',
  'dangerous',
  'danger',
  'insane',
  'sour',
  'sell',
  'dislike',
  'hate',
  'low',
  'bubble',
  'burst',
  'risk',
] as const;

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();

export const gameRulesSchema = z.object({
  startCoins: nonNegative.default(NEW_TRADER_START.coins),
  startShares: z.number().int().nonnegative().default(NEW_TRADER_START.shares),
  /** Price of one share when the game starts, in coins. */
  initialPrice: positive.default(1),
  /** The published price never goes below this. */
  priceFloor: positive.default(0.01),
  tickMs: z.number().int().min(10).max(3_600_000).default(1000),
  /** Log-normal drift and volatility of the base price per `volatilityPeriodMs` of game time. */
  priceMu: z.number().finite().default(0.0001),
  priceSigma: nonNegative.default(0.01),
  volatilityPeriodMs: z.number().int().positive().default(5000),
  emaFactor: z.number().gt(0).max(1).default(0.1),
  /** Hype added per positive word (and removed per negative word) of a gibb about the market. */
  hypePerWord: nonNegative.default(0.01),
  /** A gibb moves the hype only if it mentions one of these (case-insensitive). */
  hypeTopics: z.array(z.string().min(1)).min(1).default(['banana', '#mktd']),
  positiveWords: z.array(z.string().min(1)).default([...POSITIVE_WORDS_2018]),
  negativeWords: z.array(z.string().min(1)).default([...NEGATIVE_WORDS_2018]),
  /** Probability of a burst per hype change = (hype - already burst) x this. */
  burstProbabilityPerHype: nonNegative.default(0.01),
  burstStepMs: z.number().int().positive().default(5000),
  burstFactors: z
    .array(positive)
    .min(1)
    .default([...BURST_FACTORS_2018]),
  /** Investment delay = min(investDelayPerCoinMs x total coins ever invested, investMaxDelayMs). */
  investDelayPerCoinMs: nonNegative.default(10),
  investMaxDelayMs: nonNegative.default(60_000),
  /** Return multiplier = min(investReturnCap, LogNormal(investMuBase + e^(-1 - total/investSaturation), investSigma)). */
  investReturnCap: positive.default(1.15),
  investMuBase: z.number().finite().default(0.035),
  investSaturationCoins: positive.default(1000),
  investSigma: nonNegative.default(0.01),
  /** Bailout when no investment is in flight, coins <= bailoutMaxCoins and shares <= bailoutMaxShares. */
  bailoutMaxCoins: nonNegative.default(3),
  bailoutMaxShares: z.number().int().default(0),
  bailoutCoins: nonNegative.default(10),
  bailoutShares: z.number().int().nonnegative().default(5),
  /** Score = fedMonkeys - bailoutPenalty x bailouts. */
  bailoutPenalty: nonNegative.default(20),
  /** How many recent txnIds per trader are remembered to answer replays without applying them. */
  txnMemoryPerTrader: z.number().int().min(1).max(100_000).default(1000),
});

export type GameRules = z.infer<typeof gameRulesSchema>;
export type GameRulesInput = z.input<typeof gameRulesSchema>;

export const DEFAULT_RULES: GameRules = Object.freeze(gameRulesSchema.parse({}));

/** Default rules with some overridden; throws a zod error naming the bad field. */
export function makeRules(overrides: Partial<GameRulesInput> = {}): GameRules {
  return gameRulesSchema.parse(overrides);
}
