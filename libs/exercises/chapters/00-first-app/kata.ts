/**
 * Chapter 00 — a first app: read the share price, send a market order.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 0
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import { MY_TRADER, ORDERS_TOPIC, PRICES_TOPIC, SHARES_PER_ORDER, txnIdFor, type MarketOrder, type SharePrice, type TraderKey } from './given.js';

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
