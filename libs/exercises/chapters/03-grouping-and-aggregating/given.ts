/** What chapter 03 gives you: the topics, the hype words and the totals your app keeps. */
import { TOPICS, type Gibb, type InvestmentOrder, type TraderKey } from '@banana-market/protocol';

export { HYPE_PER_WORD, isAboutMarket, roundCoins, sentimentOf, wordsOf, type Sentiment } from '../support/hype-words.js';
export type { Gibb, InvestmentOrder, TraderKey };

/** Gibbs, key "GNOU": `{id, time, text}`. */
export const GIBBS_TOPIC = TOPICS.gibberGibbs.name;
/** Plantation investments, keyed by trader: `{time, txnId, invested}`. */
export const INVESTMENTS_TOPIC = TOPICS.investmentOrders.name;
/** The running hype of each hype word, keyed by the word. */
export const HYPE_PER_WORD_TOPIC = 'kata-03-hype-per-word';
/** The running investment total of each trader, keyed by trader. */
export const INVESTED_PER_TRADER_TOPIC = 'kata-03-invested-per-trader';

export interface WordHype {
  /** How many times gibbs about the market used the word. */
  readonly mentions: number;
  /** The hype it brought: mentions × sentiment × HYPE_PER_WORD, rounded with roundCoins. */
  readonly hype: number;
}

export interface TraderInvestments {
  readonly orders: number;
  /** Coins invested in all, rounded with roundCoins. */
  readonly invested: number;
}
