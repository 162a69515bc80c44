/** What chapter 02 gives you: the topics, the order texts and how to read them. */
import { TOPICS, type MarketOrder, type MarketOrderType, type TraderKey } from '@banana-market/protocol';

export type { MarketOrder, MarketOrderType, TraderKey };

/** What traders type in the chat, keyed by trader: `{time, txnId, text}` with a text like "BUY 3". */
export const ORDER_TEXTS_TOPIC = 'kata-02-order-texts';
/** The game's orders topic: every order read from a text goes here. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** Texts that are not an order, as they came. */
export const UNREADABLE_TOPIC = 'kata-02-unreadable';

/** The risk desk's limit: a buy never asks for more shares than this. Sells are not limited. */
export const MAX_SHARES_PER_BUY = 5;

export interface OrderText {
  readonly time: string;
  readonly txnId: string;
  readonly text: string;
}

const ORDER_TEXT = /^\s*(BUY|SELL)\s+([1-9]\d{0,8})\s*$/i;

/** "BUY 3", " sell 2 " → the order's type and shares; anything else → undefined. */
export function readOrderText(text: string): { type: MarketOrderType; shares: number } | undefined {
  const match = ORDER_TEXT.exec(text);
  if (match === null) return undefined;
  return { type: match[1].toUpperCase() as MarketOrderType, shares: Number(match[2]) };
}
