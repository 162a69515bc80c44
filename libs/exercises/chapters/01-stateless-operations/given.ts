/** What chapter 01 gives you: the topics, the hype words and what your app writes. */
import { TOPICS, type Gibb } from '@banana-market/protocol';

export { HYPE_PER_WORD, isAboutMarket, roundCoins, sentimentOf, wordsOf, type Sentiment } from '../support/hype-words.js';
export type { Gibb };

/** Gibbs (the game's tweets), key "GNOU": `{id, time, text}`. */
export const GIBBS_TOPIC = TOPICS.gibberGibbs.name;
/** One record per hype word of a gibb about the market, keyed by the gibb's id. */
export const SENTIMENTS_TOPIC = 'kata-01-sentiments';
/** One record per gibb that moves the hype, keyed by the gibb's id. */
export const INFLUENCES_TOPIC = 'kata-01-influences';

export interface WordSentiment {
  readonly gibbId: string;
  readonly word: string;
  readonly sentiment: 1 | -1;
}

export interface GibbInfluence {
  readonly gibbId: string;
  readonly time: string;
  /** What the gibb adds to the hype: HYPE_PER_WORD × (positive words − negative words), rounded with roundCoins. */
  readonly influence: number;
}
