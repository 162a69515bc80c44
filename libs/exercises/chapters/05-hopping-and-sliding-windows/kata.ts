/**
 * Chapter 05 — hopping and sliding windows: a moving average for the chart,
 * and a price alert the moment the 10-minute average crosses a threshold.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 5
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, SlidingWindows, StreamsBuilder, Suppressed, TimeWindows, type Topology, type Windowed } from '@banana-market/exercises';
import {
  addPrice,
  ALERT_THRESHOLD,
  ALERT_WINDOW_MS,
  AVERAGE_ADVANCE_MS,
  AVERAGE_WINDOW_MS,
  averageOf,
  isoAt,
  MOVING_AVERAGES_TOPIC,
  NO_PRICES,
  NOTHING_SEEN,
  PRICE_ALERTS_TOPIC,
  PRICE_TIME,
  PRICES_TOPIC,
  type AlertState,
  type MovingAverage,
  type PriceAlert,
  type PriceStats,
  type SharePrice,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC, { timestampExtractor: PRICE_TIME });

  // ===== your job starts here =====
  // 1. Hopping windows of AVERAGE_WINDOW_MS advancing by AVERAGE_ADVANCE_MS (no grace):
  //    fold the prices into PriceStats (NO_PRICES, addPrice), suppress until each window
  //    closes, send a MovingAverage per window to MOVING_AVERAGES_TOPIC (key "GNOU").
  // 2. Sliding windows of ALERT_WINDOW_MS (no grace), the same PriceStats: for each price,
  //    the window that ends at that price. When its average goes from at-or-below
  //    ALERT_THRESHOLD to above it, send a PriceAlert to PRICE_ALERTS_TOPIC right away
  //    (key "GNOU"); remember "above or not" from price to price in an AlertState.
  prices.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
