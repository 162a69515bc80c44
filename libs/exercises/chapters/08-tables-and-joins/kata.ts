/**
 * Chapter 08 — tables and joins: value each order at the latest share price.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 8
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  ORDER_VALUES_TOPIC,
  ORDERS_TOPIC,
  PRICE_KEY,
  PRICES_TOPIC,
  roundCoins,
  type MarketOrder,
  type MarketOrderType,
  type OrderValue,
  type SharePrice,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  // Read PRICES_TOPIC as a table. Re-key the orders by PRICE_KEY (keep the trader in the
  // value), join them with the price table, and send an OrderValue per order to
  // ORDER_VALUES_TOPIC, keyed by the trader again. Orders before any price have no value.
  orders.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
