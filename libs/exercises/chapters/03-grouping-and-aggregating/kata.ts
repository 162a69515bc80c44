/**
 * Chapter 03 — grouping and aggregating: the hype each word brought, the
 * coins each trader invested, as running totals.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 3
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  GIBBS_TOPIC,
  HYPE_PER_WORD,
  HYPE_PER_WORD_TOPIC,
  INVESTED_PER_TRADER_TOPIC,
  INVESTMENTS_TOPIC,
  isAboutMarket,
  roundCoins,
  sentimentOf,
  wordsOf,
  type Gibb,
  type InvestmentOrder,
  type Sentiment,
  type TraderInvestments,
  type TraderKey,
  type WordHype,
} from './given.js';

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
