/** What chapter 12 gives you: the topics, the store's name, the timer's interval, the idle rule and what an alert looks like. */
import { TOPICS, type MarketOrder, type TraderKey } from '@banana-market/protocol';
import { SECOND } from '../support/market-time.js';

export { isoAt } from '../support/market-time.js';
export type { MarketOrder, TraderKey };

/** Players' market orders, keyed by trader: each one is an action of its trader, at its record's timestamp. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** One alert when a trader has gone idle, keyed by trader. */
export const IDLE_TRADERS_TOPIC = 'kata-12-idle-traders';

/** The store of each trader's last action: trader key → the timestamp (ms) of their last order. */
export const LAST_ACTION_STORE = 'last-action';

/** How often the processor looks for idle traders, in stream time: every 10 s. */
export const CHECK_EVERY_MS = 10 * SECOND;
/** A trader with no action for this long (60 s or more) is idle. */
export const IDLE_AFTER_MS = 60 * SECOND;

/** Whether a trader whose last action was at `lastActionMs` is idle at `nowMs`: 60 s or more without one. */
export function isIdle(lastActionMs: number, nowMs: number): boolean {
  return nowMs - lastActionMs >= IDLE_AFTER_MS;
}

export interface IdleTraderAlert {
  /** When the trader's last action was, as an ISO time. */
  readonly lastActionAt: string;
  /** How long they had been idle when the check noticed it, in ms. */
  readonly idleForMs: number;
}
