/**
 * Reference solution of chapter 13: orders re-keyed by team through a named repartition topic, joined with the team limits.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, Repartitioned, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  ORDERS_BY_TEAM,
  ORDERS_TOPIC,
  OVERSIZED_ORDERS_TOPIC,
  TEAM_LIMITS_TOPIC,
  type MarketOrder,
  type OversizedOrder,
  type TeamLimit,
  type TradersOrder,
  type TraderKey,
} from '../../chapters/13-repartitioning/given.js';

export * from '../../chapters/13-repartitioning/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  const limits = builder.table<string, TeamLimit>(TEAM_LIMITS_TOPIC);

  builder
    .stream<TraderKey, MarketOrder>(ORDERS_TOPIC)
    // A join matches keys: the limits are keyed by team, so the orders take their team as key, the trader in the value…
    .map((trader, order) => KeyValue.pair<string, TradersOrder>(trader.team, { trader, order }))
    // …and go through a topic keyed by team, so that a team's orders meet its limit in the same partition.
    .repartition(Repartitioned.as<string, TradersOrder>(ORDERS_BY_TEAM))
    .join(limits, ({ trader, order }, limit): OversizedOrder | null =>
      order.shares > limit.maxSharesPerOrder
        ? { name: trader.name, txnId: order.txnId, type: order.type, shares: order.shares, maxSharesPerOrder: limit.maxSharesPerOrder }
        : null,
    )
    .filter((_team, oversized) => oversized !== null)
    .to(OVERSIZED_ORDERS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
