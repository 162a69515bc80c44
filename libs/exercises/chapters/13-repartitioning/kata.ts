/**
 * Chapter 13 — repartitioning: re-key the market's orders by team, through a
 * repartition topic, join them with the team limits, and flag the orders above them.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 13
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, Repartitioned, StreamsBuilder, type KStream, type KTable, type Topology } from '@banana-market/exercises';
import {
  ORDERS_BY_TEAM,
  ORDERS_TOPIC,
  OVERSIZED_ORDERS_TOPIC,
  TEAM_LIMITS_PARTITIONS,
  TEAM_LIMITS_TOPIC,
  type MarketOrder,
  type MarketOrderType,
  type OversizedOrder,
  type TeamLimit,
  type TradersOrder,
  type TraderKey,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  // Read TEAM_LIMITS_TOPIC as a table (team → TeamLimit). Re-key the orders by their trader's team,
  // keeping the trader in the value (a TradersOrder), through the repartition topic ORDERS_BY_TEAM
  // (.repartition(Repartitioned.as(ORDERS_BY_TEAM))); join them with the limits, and send an
  // OversizedOrder to OVERSIZED_ORDERS_TOPIC, keyed by the team, for each order above its team's limit.
  builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC).peek(() => undefined); // does nothing yet: replace with your topology
  builder.table<string, TeamLimit>(TEAM_LIMITS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
