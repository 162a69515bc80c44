/**
 * The game's rules as numbers. Every one is configurable per game; the
 * defaults are the balanced economy of docs/design.md, and MKTD2018_OVERRIDES
 * restores the 2018 workshop's numbers (GAME_RULES_PRESET=mktd2018).
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
/** A bound that may be "none": the 2018 rules had no limits on hype. */
const bound = z.number();

export const gameRulesSchema = z.object({
  startCoins: nonNegative.default(NEW_TRADER_START.coins),
  startShares: z.number().int().nonnegative().default(NEW_TRADER_START.shares),
  /** Price of one share when the game starts, in coins. */
  initialPrice: positive.default(1),
  /** The published price never goes below this. */
  priceFloor: positive.default(0.01),
  tickMs: z.number().int().min(10).max(3_600_000).default(1000),
  /** Log-normal drift and volatility of the base price (and of the fundamental) per `volatilityPeriodMs` of game time. */
  priceMu: z.number().finite().default(0.0001),
  priceSigma: nonNegative.default(0.01),
  volatilityPeriodMs: z.number().int().positive().default(5000),
  /**
   * How strongly the base price is pulled back toward the fundamental value,
   * per volatility period (0: a pure random walk, as in 2018). The
   * fundamental itself drifts slowly (`fundamentalSigma`), so a low price
   * tends to rise and a high one to fall: what the forecast points at.
   */
  priceReversion: z.number().min(0).max(1).default(0.1),
  fundamentalSigma: nonNegative.default(0.002),
  emaFactor: z.number().gt(0).max(1).default(0.003),
  /** What a trade costs, as a fraction of its value: a BUY pays price × (1 + fee), a SELL earns price × (1 − fee). */
  tradeFee: z.number().min(0).max(0.5).default(0.005),
  /** Hype added per positive word (and removed per negative word) of a gibb about the market. */
  hypePerWord: nonNegative.default(0.01),
  /** No gibb moves the hype by more than this, up or down. */
  hypeMaxPerGibb: positive.default(0.05),
  /** The hype stays within [hypeMin, hypeMax]. */
  hypeMin: bound.max(0).default(-0.3),
  hypeMax: bound.min(0).default(0.5),
  /** The hype fades toward 0 between gibbs, halving in this much game time (0: it stays, as in 2018). */
  hypeHalfLifeMs: nonNegative.default(300_000),
  /** One author's gibbs move the hype at most this many times per `gibbAuthorWindowMs` (the rest are read, not counted). */
  gibbsPerAuthorPerWindow: z.number().int().positive().default(3),
  gibbAuthorWindowMs: z.number().int().positive().default(60_000),
  /** A gibb moves the hype only if it mentions one of these (case-insensitive). */
  hypeTopics: z.array(z.string().min(1)).min(1).default(['banana', '#mktd']),
  positiveWords: z.array(z.string().min(1)).default([...POSITIVE_WORDS_2018]),
  negativeWords: z.array(z.string().min(1)).default([...NEGATIVE_WORDS_2018]),
  /** Probability of a burst per hype change = (|hype| - already burst) x this. */
  burstProbabilityPerHype: nonNegative.default(0.05),
  /** Whether negative hype bursts back toward 0 too (2018: only positive hype burst). */
  negativeBursts: z.boolean().default(true),
  burstStepMs: z.number().int().positive().default(5000),
  burstFactors: z
    .array(positive)
    .min(1)
    .default([...BURST_FACTORS_2018]),
  /**
   * How plantations pay. "saturating": the yield falls with the coins the
   * whole market invested in the last `investWindowMs` and with what the
   * trader already has growing, down below zero. "mktd2018": the 2018
   * formula over every coin ever invested, which never returns less than
   * ~3.6 % (so investing everything every tick won by far).
   */
  plantationModel: z.enum(['saturating', 'mktd2018']).default('saturating'),
  /**
   * saturating: an order of x coins yields investYieldMax x (1 - (recent market coins + x/2) / investSaturationCoins
   * - (trader's growing coins + x/2) / investTraderCapacityCoins): the midpoint makes splitting an order gain nothing.
   */
  investYieldMax: z.number().min(0).max(10).default(0.12),
  investWindowMs: z.number().int().positive().default(600_000),
  investSaturationCoins: positive.default(3000),
  investTraderCapacityCoins: positive.default(60),
  /** saturating: a plantation takes this long to pay. */
  investDelayMs: nonNegative.default(30_000),
  /** The multiplier stays within [investReturnFloor, investReturnCap]. */
  investReturnFloor: z.number().min(0).max(1).default(0.5),
  investReturnCap: positive.default(1.15),
  investSigma: nonNegative.default(0.01),
  /** mktd2018: delay = min(investDelayPerCoinMs x total coins ever invested, investMaxDelayMs). */
  investDelayPerCoinMs: nonNegative.default(10),
  investMaxDelayMs: nonNegative.default(60_000),
  /** mktd2018: multiplier = min(investReturnCap, LogNormal(investMuBase + e^(-1 - total/investSaturationCoins), investSigma)). */
  investMuBase: z.number().finite().default(0.035),
  /** Bailout when no investment is in flight, coins <= bailoutMaxCoins and shares <= bailoutMaxShares. */
  bailoutMaxCoins: nonNegative.default(3),
  bailoutMaxShares: z.number().int().default(0),
  /** What a bailout gives: shares only by default, so it is worth less than its penalty at any price. */
  bailoutCoins: nonNegative.default(0),
  bailoutShares: z.number().int().nonnegative().default(5),
  /** Score = fedMonkeys - bailoutPenalty x bailouts. */
  bailoutPenalty: nonNegative.default(20),
  /** How many recent txnIds per trader are remembered to answer replays without applying them. */
  txnMemoryPerTrader: z.number().int().min(1).max(100_000).default(1000),
});

export type GameRules = z.infer<typeof gameRulesSchema>;
export type GameRulesInput = z.input<typeof gameRulesSchema>;

export const DEFAULT_RULES: GameRules = Object.freeze(gameRulesSchema.parse({}));

/**
 * The 2018 MonkeyTechDays numbers exactly (GAME_RULES_PRESET=mktd2018): a
 * pure random walk with a short EMA, unbounded hype that bursts only upward,
 * plantations that never stop paying, and bailouts of 10 coins and 5 shares.
 */
export const MKTD2018_OVERRIDES: Readonly<Partial<GameRulesInput>> = Object.freeze({
  priceReversion: 0,
  fundamentalSigma: 0,
  emaFactor: 0.1,
  hypeMaxPerGibb: 1e9,
  hypeMin: -1e9,
  hypeMax: 1e9,
  gibbsPerAuthorPerWindow: Number.MAX_SAFE_INTEGER,
  negativeBursts: false,
  hypeHalfLifeMs: 0,
  tradeFee: 0,
  burstProbabilityPerHype: 0.01,
  plantationModel: 'mktd2018',
  investSaturationCoins: 1000,
  bailoutCoins: 10,
});

export const RULE_PRESETS = Object.freeze({ default: Object.freeze({}), mktd2018: MKTD2018_OVERRIDES });
export type RulePreset = keyof typeof RULE_PRESETS;

export const MKTD2018_RULES: GameRules = Object.freeze(gameRulesSchema.parse(MKTD2018_OVERRIDES));

/** Default rules (or a preset's) with some overridden; throws a zod error naming the bad field. */
export function makeRules(overrides: Partial<GameRulesInput> = {}, preset: RulePreset = 'default'): GameRules {
  return gameRulesSchema.parse({ ...RULE_PRESETS[preset], ...overrides });
}
