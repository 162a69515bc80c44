/** What chapter 10 gives you: the topics, the window, a reader for an order's time, and what one count looks like. */
import { orderTime, TOPICS, type MarketOrder, type TraderKey } from '@banana-market/protocol';
import { MINUTE, SECOND } from '../support/market-time.js';

export { isoAt } from '../support/market-time.js';
export type { MarketOrder, TraderKey };

/** Players' market orders, keyed by trader: `{time?, txnId, type, shares}`; `time` is when the trader decided. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** One record per trader and minute of event time, once the minute has closed. */
export const ORDERS_PER_MINUTE_TOPIC = 'kata-10-orders-per-minute';

/** Orders are counted per minute of their own time… */
export const WINDOW_SIZE_MS = MINUTE;
/** …and an order may arrive up to 10 seconds after its minute ended and still count. */
export const GRACE_MS = 10 * SECOND;

/**
 * An order's `time` in ms since the epoch, read as the game reads it (no zone
 * means UTC, unlike `Date.parse`); −1 when it is not a date, which a
 * timestamp extractor may return to have the order dropped.
 */
export function orderTimeMs(time: string): number {
  const parsed = orderTime.safeParse(time);
  return parsed.success ? Date.parse(parsed.data) : -1;
}

export interface OrdersPerMinute {
  /** The minute, as ISO times: [windowStart, windowEnd). */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly orders: number;
}
