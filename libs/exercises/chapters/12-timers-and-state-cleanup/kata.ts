/**
 * Chapter 12 — timers and state cleanup: a stream-time punctuation that alerts
 * on traders gone idle, and forgets them.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 12
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import {
  PunctuationType,
  StreamsBuilder,
  Stores,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
  type Topology,
} from '@banana-market/exercises';
import {
  CHECK_EVERY_MS,
  IDLE_AFTER_MS,
  IDLE_TRADERS_TOPIC,
  isIdle,
  isoAt,
  LAST_ACTION_STORE,
  ORDERS_TOPIC,
  type IdleTraderAlert,
  type MarketOrder,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  // The store is registered for you: trader key → the timestamp of their last order.
  builder.addStateStore(Stores.keyValueStore<TraderKey, number>(LAST_ACTION_STORE));
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  // Write a Processor, attached with LAST_ACTION_STORE, that
  // 1. for each order, puts the order's timestamp as its trader's last action in the store;
  // 2. in init(), schedules a STREAM_TIME punctuation every CHECK_EVERY_MS that, for each trader
  //    of the store who isIdle(lastAction, now), forwards an IdleTraderAlert stamped `now`
  //    and deletes the trader from the store → IDLE_TRADERS_TOPIC.
  orders.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
