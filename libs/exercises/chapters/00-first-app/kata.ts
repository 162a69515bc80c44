/**
 * Chapter 00 — a first app: read the share price, send a market order.
 * Run its tests: npm run exercises -- --chapter 0
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import { PRICES_TOPIC, type SharePrice } from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC);

  // ===== your job starts here =====
  // For every price whose forecast is not exactly 1, send ORDERS_TOPIC an order
  // of SHARES_PER_ORDER shares for MY_TRADER: BUY above 1, SELL below 1.
  // Its time is the price's time, its txnId is txnIdFor(price).
  prices.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
