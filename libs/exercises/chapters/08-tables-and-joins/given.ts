/** What chapter 08 gives you: the topics and what a valued order looks like. */
import { SINGLE_STREAM_KEY, TOPICS, type MarketOrder, type MarketOrderType, type SharePrice, type TraderKey } from '@banana-market/protocol';

export { roundCoins } from '../support/hype-words.js';
export type { MarketOrder, MarketOrderType, SharePrice, TraderKey };

/** The share price, key "GNOU": read it as a table, the latest price per key. */
export const PRICES_TOPIC = TOPICS.sharePrice.name;
/** The key of the price stream, "GNOU". */
export const PRICE_KEY = SINGLE_STREAM_KEY;
/** Market orders, keyed by trader. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** Each order with its value at the latest price, keyed by trader. */
export const ORDER_VALUES_TOPIC = 'kata-08-order-values';

export interface OrderValue {
  readonly txnId: string;
  readonly type: MarketOrderType;
  readonly shares: number;
  /** The latest price when the order came in. */
  readonly price: number;
  /** shares × price, rounded with roundCoins. */
  readonly coins: number;
}
