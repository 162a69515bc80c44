/**
 * Chapter 14 — exactly-once: count each trader's accepted orders so that a
 * crash never counts a batch twice.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 14
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  ACCEPTED_ORDERS_STORE,
  ACCEPTED_ORDERS_TOPIC,
  isAcceptedOrder,
  ORDER_TYPES,
  RESULTS_TOPIC,
  type ProcessingGuarantee,
  type StreamsSettings,
  type TraderKey,
  type TxnResult,
  type TxnStatus,
  type TxnType,
} from './given.js';

export * from './given.js';

/** The settings the app runs with, as Kafka Streams' properties: the tests start the app on a broker with them. */
export const streamsSettings: StreamsSettings = { processingGuarantee: 'at_least_once' };

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const results = builder.stream<TraderKey, TxnResult>(RESULTS_TOPIC);

  // ===== your job starts here =====
  // 1. Count each trader's accepted orders (isAcceptedOrder) in ACCEPTED_ORDERS_STORE and send
  //    every new count, keyed by the trader, to ACCEPTED_ORDERS_TOPIC.
  // 2. Make a crash between sending the counts and committing the input count nothing twice:
  //    set streamsSettings.processingGuarantee to the guarantee that does it.
  results.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
