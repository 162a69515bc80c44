/**
 * Chapter 04 — tumbling windows: combine each trader's investment orders per
 * 5 seconds, one result per window when it closes.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 4
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, StreamsBuilder, Suppressed, TimeWindows, type Topology, type Windowed } from '@banana-market/exercises';
import {
  COMBINED_INVESTMENTS_TOPIC,
  GRACE_MS,
  INVESTMENTS_TOPIC,
  isoAt,
  roundCoins,
  WINDOW_SIZE_MS,
  type CombinedInvestment,
  type InvestmentOrder,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const investments = builder.stream<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);

  // ===== your job starts here =====
  // Group by trader, window by WINDOW_SIZE_MS tumbling windows with GRACE_MS of grace,
  // aggregate each window into { orders, invested }, emit only when the window closes,
  // and send one CombinedInvestment per trader and window to COMBINED_INVESTMENTS_TOPIC,
  // keyed by the trader.
  investments.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
