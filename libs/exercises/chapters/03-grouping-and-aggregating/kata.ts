/**
 * Chapter 03 — grouping and aggregating: the hype each word brought, the
 * coins each trader invested, as running totals.
 * Run its tests: npm run exercises -- --chapter 3
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import { GIBBS_TOPIC, INVESTMENTS_TOPIC, type Gibb, type InvestmentOrder, type TraderKey } from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const gibbs = builder.stream<string, Gibb>(GIBBS_TOPIC);
  const investments = builder.stream<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);

  // ===== your job starts here =====
  // 1. Hype words of the gibbs about the market, grouped by word, aggregated into a WordHype
  //    → HYPE_PER_WORD_TOPIC, an update per word mention.
  // 2. Investments grouped by trader, aggregated into TraderInvestments
  //    → INVESTED_PER_TRADER_TOPIC, an update per order.
  gibbs.peek(() => undefined); // does nothing yet: replace with your topology
  investments.peek(() => undefined);
  // ===== your job ends here =====

  return builder.build();
}
