/**
 * The game's hype rule, as the katas need it: the words and topics come from
 * the engine's default rules (one source of truth), the reading of a text is
 * the katas' own so that participants write the stream part themselves.
 */
import { DEFAULT_RULES } from '@banana-market/engine';

export { roundCoins, wordsOf } from '@banana-market/engine';

/** Hype moves +/- this much per positive/negative word of a gibb about the market. */
export const HYPE_PER_WORD = DEFAULT_RULES.hypePerWord;

const HYPE_TOPICS = DEFAULT_RULES.hypeTopics.map((topic) => topic.toLowerCase());
const POSITIVE_WORDS: ReadonlySet<string> = new Set(DEFAULT_RULES.positiveWords.map((w) => w.toLowerCase()));
const NEGATIVE_WORDS: ReadonlySet<string> = new Set(DEFAULT_RULES.negativeWords.map((w) => w.toLowerCase()));

/** +1 for a positive word, -1 for a negative one. */
export type Sentiment = 1 | -1;

/** Whether a gibb is about the market: it mentions `banana` or `#MKTD`, in any case. */
export function isAboutMarket(text: string): boolean {
  const lower = text.toLowerCase();
  return HYPE_TOPICS.some((topic) => lower.includes(topic));
}

/** The sentiment of one lower-case word, or undefined when it is not a hype word. */
export function sentimentOf(word: string): Sentiment | undefined {
  if (POSITIVE_WORDS.has(word)) return 1;
  if (NEGATIVE_WORDS.has(word)) return -1;
  return undefined;
}
