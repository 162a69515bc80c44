/** What chapter 06 gives you: the topics, the session rules and what one session looks like. */
import { TOPICS, type MarketOrder, type TraderKey } from '@banana-market/protocol';
import { SECOND } from '../support/market-time.js';

export { isoAt } from '../support/market-time.js';
export type { MarketOrder, TraderKey };

/** Market orders, keyed by trader: `{time, txnId, type, shares}`. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** One record per trader and trading session, once the session is over. */
export const TRADING_SESSIONS_TOPIC = 'kata-06-trading-sessions';

/** A trader who sends no order for more than 30 seconds has ended their session… */
export const INACTIVITY_GAP_MS = 30 * SECOND;
/** …and an order may arrive up to 30 seconds late and still join its session. */
export const SESSION_GRACE_MS = 30 * SECOND;

export interface TradingSession {
  /** The times of the session's first and last orders (ISO). */
  readonly firstOrder: string;
  readonly lastOrder: string;
  readonly orders: number;
  /** Shares bought and sold in the session. */
  readonly bought: number;
  readonly sold: number;
}
