/**
 * Reference solution of chapter 11: orders joined with their results within 5 s, matched on txnId.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { JoinWindows, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  MAX_LATENCY_MS,
  ORDER_LATENCIES_TOPIC,
  ORDERS_TOPIC,
  RESULTS_TOPIC,
  withRecordTime,
  type MarketOrder,
  type OrderLatency,
  type TraderKey,
  type TxnResult,
} from '../../chapters/11-windowed-joins/given.js';

export * from '../../chapters/11-windowed-joins/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  // A joiner sees values only: carry each record's timestamp in its value.
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC).process(withRecordTime<TraderKey, MarketOrder>());
  const results = builder.stream<TraderKey, TxnResult>(RESULTS_TOPIC).process(withRecordTime<TraderKey, TxnResult>());

  // Joined by trader: every order meets each of its trader's results within the window, so keep the one of its txnId.
  orders
    .join(
      results,
      (order, result): OrderLatency | null =>
        order.value.txnId === result.value.txnId
          ? { txnId: order.value.txnId, status: result.value.status, latencyMs: result.timestamp - order.timestamp }
          : null,
      JoinWindows.ofTimeDifferenceWithNoGrace(MAX_LATENCY_MS),
    )
    .filter((_trader, latency) => latency !== null)
    .to(ORDER_LATENCIES_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
