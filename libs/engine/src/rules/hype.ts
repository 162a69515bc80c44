/**
 * Hype from gibbs: a gibb about the market (it mentions one of the hype
 * topics) moves the hype by one step per positive word and back one per
 * negative word.
 */
import type { GameRules } from '../rules.js';

export interface HypeReading {
  /** Whether the gibb is about the market at all. */
  readonly aboutMarket: boolean;
  readonly positive: number;
  readonly negative: number;
  /** What the gibb adds to the hype (0 when it is not about the market). */
  readonly delta: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, lower-cased, in order: "#MKTD rocks!" → ["mktd", "rocks"]. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function readHype(text: string, rules: GameRules): HypeReading {
  const lower = text.toLowerCase();
  const aboutMarket = rules.hypeTopics.some((topic) => lower.includes(topic.toLowerCase()));
  if (!aboutMarket) return { aboutMarket, positive: 0, negative: 0, delta: 0 };
  const positiveWords = new Set(rules.positiveWords.map((w) => w.toLowerCase()));
  const negativeWords = new Set(rules.negativeWords.map((w) => w.toLowerCase()));
  let positive = 0;
  let negative = 0;
  for (const word of wordsOf(lower)) {
    if (positiveWords.has(word)) positive++;
    if (negativeWords.has(word)) negative++;
  }
  return { aboutMarket, positive, negative, delta: roundCoins((positive - negative) * rules.hypePerWord) };
}

/** Keeps sums of hundredths from drifting into 0.30000000000000004. */
export function roundCoins(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
