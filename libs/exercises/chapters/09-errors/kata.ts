/**
 * Chapter 09 — errors: parse what you can, send what you cannot to a
 * dead-letter topic, count what was rejected, and never stop.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 9
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  DEAD_LETTERS_TOPIC,
  decodeMessage,
  ORDERS_TOPIC,
  RAW_ORDERS_TOPIC,
  RAW_TEXT,
  REJECTIONS_PER_FIELD_TOPIC,
  SINGLE_STREAM_KEY,
  type DecodeResult,
  type MarketOrder,
  type ProtocolError,
  type RejectedOrder,
  type TraderKey,
} from './given.js';

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
