/** What chapter 13 gives you: the topics, the name of the repartition topic, the team limits and what a flagged order looks like. */
import { ACTION_PARTITIONS, TOPICS, type MarketOrder, type MarketOrderType, type TraderKey } from '@banana-market/protocol';

export type { MarketOrder, MarketOrderType, TraderKey };

/** Players' market orders, keyed by trader `{team, name}`: a trader's orders share a partition, a team's do not. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/**
 * Each team's order limit, keyed by the team's name (a string), compacted: the
 * latest limit per team, a tombstone (null) lifts it. Partitioned as the orders
 * (8), so that a repartition topic made after the orders matches it.
 */
export const TEAM_LIMITS_TOPIC = 'kata-13-team-limits';
export const TEAM_LIMITS_PARTITIONS = ACTION_PARTITIONS;
/** The orders above their team's limit, keyed by the team. */
export const OVERSIZED_ORDERS_TOPIC = 'kata-13-oversized-orders';
/** The name to give the repartition topic of the orders re-keyed by team: Kafka makes it `<application id>-orders-by-team-repartition`. */
export const ORDERS_BY_TEAM = 'orders-by-team';

/** What the team's risk desk allows in one market order. */
export interface TeamLimit {
  readonly maxSharesPerOrder: number;
}

/** An order with the trader who sent it: what travels through the repartition topic once the key is the team. */
export interface TradersOrder {
  readonly trader: TraderKey;
  readonly order: MarketOrder;
}

export interface OversizedOrder {
  /** The trader's name (the key is the team). */
  readonly name: string;
  readonly txnId: string;
  readonly type: MarketOrderType;
  readonly shares: number;
  /** The team's limit the order is above. */
  readonly maxSharesPerOrder: number;
}
