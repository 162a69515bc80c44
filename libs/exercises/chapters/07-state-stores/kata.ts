/**
 * Chapter 07 — state stores: an EMA forecast that remembers the last EMA, and
 * a warning that remembers who was already warned.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 7
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import {
  StreamsBuilder,
  Stores,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
  type Topology,
} from '@banana-market/exercises';
import {
  BAILOUT_WARNINGS_TOPIC,
  DANGER_STORE,
  EMA_FACTOR,
  EMA_STORE,
  FORECASTS_TOPIC,
  isOneShareFromBailout,
  PRICES_TOPIC,
  TRADER_STATES_TOPIC,
  traderId,
  type BailoutWarning,
  type Forecast,
  type SharePrice,
  type TraderKey,
  type TraderState,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC);
  const states = builder.stream<TraderKey, TraderState>(TRADER_STATES_TOPIC);

  // ===== your job starts here =====
  // 1. Add a key-value store EMA_STORE and a Processor that, for each price, reads the
  //    previous EMA, computes the new one (EMA_FACTOR), stores it and forwards a Forecast
  //    → FORECASTS_TOPIC.
  // 2. Add a store DANGER_STORE and a Processor that forwards a BailoutWarning when a
  //    trader's state enters the danger zone (isOneShareFromBailout) — once, until the
  //    trader leaves it → BAILOUT_WARNINGS_TOPIC.
  prices.peek(() => undefined); // does nothing yet: replace with your topology
  states.peek(() => undefined);
  // ===== your job ends here =====

  return builder.build();
}
