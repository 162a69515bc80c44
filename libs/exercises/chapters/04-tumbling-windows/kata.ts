/**
 * Chapter 04 — tumbling windows: combine each trader's investment orders per
 * 5 seconds, one result per window when it closes.
 * Run its tests: npm run exercises -- --chapter 4
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import { INVESTMENTS_TOPIC, type InvestmentOrder, type TraderKey } from './given.js';

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
