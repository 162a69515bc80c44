/**
 * Chapter 10 — event time: count each trader's market orders per minute of
 * the orders' own `time`, not of when they reached Kafka.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 10
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import {
  KeyValue,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type ConsumerRecord,
  type TimestampExtractor,
  type Topology,
  type Windowed,
} from '@banana-market/exercises';
import {
  GRACE_MS,
  isoAt,
  ORDERS_PER_MINUTE_TOPIC,
  ORDERS_TOPIC,
  orderTimeMs,
  WINDOW_SIZE_MS,
  type MarketOrder,
  type OrdersPerMinute,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  // Write a TimestampExtractor that gives each order its own time (orderTimeMs(order.time)),
  // or the record's timestamp when the order has no time, and read ORDERS_TOPIC with it:
  //   builder.stream<TraderKey, MarketOrder | null>(ORDERS_TOPIC, { timestampExtractor })
  // Then count each trader's orders per WINDOW_SIZE_MS tumbling window with GRACE_MS of grace,
  // emit only when the window closes, and send one OrdersPerMinute per trader and minute
  // to ORDERS_PER_MINUTE_TOPIC, keyed by the trader.
  builder.stream<TraderKey, MarketOrder | null>(ORDERS_TOPIC).peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
