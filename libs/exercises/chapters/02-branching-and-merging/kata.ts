/**
 * Chapter 02 — branching and merging: split the chat's order texts into buys
 * and sells, treat each its own way, merge them back into the orders topic.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 2
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  MAX_SHARES_PER_BUY,
  ORDER_TEXTS_TOPIC,
  ORDERS_TOPIC,
  readOrderText,
  UNREADABLE_TOPIC,
  type MarketOrder,
  type MarketOrderType,
  type OrderText,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const texts = builder.stream<TraderKey, OrderText>(ORDER_TEXTS_TOPIC);

  // ===== your job starts here =====
  // Split the texts in three branches with readOrderText(text):
  //   buys  → a BUY MarketOrder, its shares capped at MAX_SHARES_PER_BUY
  //   sells → a SELL MarketOrder, shares as typed
  //   the rest → UNREADABLE_TOPIC, unchanged
  // then merge buys and sells and send them to ORDERS_TOPIC (same key, time and txnId as the text).
  texts.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
