/** What chapter 00 gives you: the topics, your trader, and the game's value types. */
import { TOPICS, type MarketOrder, type SharePrice, type TraderKey } from '@banana-market/protocol';

export type { MarketOrder, SharePrice, TraderKey };

/** The server publishes the share price here, key "GNOU", every tick. */
export const PRICES_TOPIC = TOPICS.sharePrice.name;
/** Players send their orders here, keyed by trader. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;

/** The trader your app plays for: the key of every order it sends. */
export const MY_TRADER: TraderKey = { team: 'KATAS', name: 'first-app' };
export const SHARES_PER_ORDER = 1;

/** One order per price, so its id can come from the price's time. */
export function txnIdFor(price: SharePrice): string {
  return `forecast-${price.time}`;
}
