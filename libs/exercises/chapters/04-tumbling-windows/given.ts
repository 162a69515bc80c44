/** What chapter 04 gives you: the topics, the window and what one combined investment looks like. */
import { TOPICS, type InvestmentOrder, type TraderKey } from '@banana-market/protocol';
import { SECOND } from '../support/market-time.js';

export { isoAt } from '../support/market-time.js';
export { roundCoins } from '../support/hype-words.js';
export type { InvestmentOrder, TraderKey };

/** Plantation investments, keyed by trader: `{time, txnId, invested}`. */
export const INVESTMENTS_TOPIC = TOPICS.investmentOrders.name;
/** One record per trader and window, once the window has closed. */
export const COMBINED_INVESTMENTS_TOPIC = 'kata-04-combined-investments';

/** Each trader's investments are combined per 5 seconds of event time… */
export const WINDOW_SIZE_MS = 5 * SECOND;
/** …and an order may arrive up to 1 second after its window ended and still count. */
export const GRACE_MS = 1 * SECOND;

export interface CombinedInvestment {
  /** The window, as ISO times: [windowStart, windowEnd). */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly orders: number;
  /** Coins invested in the window, rounded with roundCoins. */
  readonly invested: number;
}
