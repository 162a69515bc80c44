/**
 * Chapter 11 — windowed joins: join each market order with its result, at most
 * 5 seconds apart, and send how long the market took to answer it.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 11
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { JoinWindows, StreamsBuilder, type KStream, type Topology } from '@banana-market/exercises';
import {
  MAX_LATENCY_MS,
  ORDER_LATENCIES_TOPIC,
  ORDERS_TOPIC,
  RESULTS_TOPIC,
  withRecordTime,
  type MarketOrder,
  type OrderLatency,
  type Timed,
  type TraderKey,
  type TxnResult,
  type TxnStatus,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  // Read ORDERS_TOPIC and RESULTS_TOPIC, each with its records' timestamps put into their values:
  //   builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC).process(withRecordTime<TraderKey, MarketOrder>())
  // Join each order with its trader's results at most MAX_LATENCY_MS apart (JoinWindows), keep only
  // the pairs with the same txnId, and send one OrderLatency per order to ORDER_LATENCIES_TOPIC, keyed by the trader.
  builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC).peek(() => undefined); // does nothing yet: replace with your topology
  builder.stream<TraderKey, TxnResult>(RESULTS_TOPIC).peek(() => undefined);
  // ===== your job ends here =====

  return builder.build();
}
