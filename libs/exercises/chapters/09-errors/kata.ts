/**
 * Chapter 09 — errors: parse what you can, send what you cannot to a
 * dead-letter topic, count what was rejected, and never stop.
 * Run its tests: npm run exercises -- --chapter 9
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import { RAW_ORDERS_TOPIC, RAW_TEXT } from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const raw = builder.stream(RAW_ORDERS_TOPIC, RAW_TEXT);

  // ===== your job starts here =====
  // Decode each key (decodeMessage.traderKey) and value (decodeMessage.marketOrder):
  //   both fine     → ORDERS_TOPIC, keyed by the trader, the decoded MarketOrder
  //   anything else → a RejectedOrder to DEAD_LETTERS_TOPIC (key SINGLE_STREAM_KEY),
  //                   and a running count per field to REJECTIONS_PER_FIELD_TOPIC.
  raw.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
