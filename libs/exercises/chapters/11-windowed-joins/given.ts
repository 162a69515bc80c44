/** What chapter 11 gives you: the topics, the window, a way to carry a record's time into its value, and what one latency looks like. */
import type { Processor, ProcessorContext } from '@banana-market/exercises';
import { TOPICS, type MarketOrder, type TraderKey, type TxnResult, type TxnStatus } from '@banana-market/protocol';
import { SECOND } from '../support/market-time.js';

export type { MarketOrder, TraderKey, TxnResult, TxnStatus };

/** Players' market orders, keyed by trader: `{time?, txnId, type, shares}`. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** The market's answer to each order (and payouts), keyed by trader: `{txnId, type, state, status, reason?}`. */
export const RESULTS_TOPIC = TOPICS.txnResults.name;
/** One record per order answered in time, keyed by trader. */
export const ORDER_LATENCIES_TOPIC = 'kata-11-order-latencies';

/** An order and its result are joined when they are at most 5 seconds apart. */
export const MAX_LATENCY_MS = 5 * SECOND;

/** A value with the timestamp of the record that carried it. */
export interface Timed<V> {
  readonly value: V;
  readonly timestamp: number;
}

/**
 * A processor that puts each record's timestamp into its value (`{ value, timestamp }`),
 * for `stream.process(withRecordTime<K, V>())`: a joiner sees values only, as Kafka's
 * ValueJoiner does, so the times it needs must travel in the values.
 */
export function withRecordTime<K, V>(): () => Processor<K, V, K, Timed<V>> {
  return () => {
    let context: ProcessorContext<K, Timed<V>> | undefined;
    return {
      init: (c) => {
        context = c;
      },
      process: (record) =>
        context?.forward({ key: record.key, value: { value: record.value, timestamp: record.timestamp }, timestamp: record.timestamp }),
    };
  };
}

export interface OrderLatency {
  readonly txnId: string;
  /** The result's status: ACCEPTED, INSUFFICIENT_COINS, … */
  readonly status: TxnStatus;
  /** The result's timestamp − the order's timestamp, in ms. */
  readonly latencyMs: number;
}
