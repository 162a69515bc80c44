/**
 * Reference solution of chapter 06: session windows, aggregate with a merger, suppress until the session closes.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, SessionWindows, StreamsBuilder, Suppressed, type Topology } from '@banana-market/exercises';
import {
  INACTIVITY_GAP_MS,
  isoAt,
  ORDERS_TOPIC,
  SESSION_GRACE_MS,
  TRADING_SESSIONS_TOPIC,
  type MarketOrder,
  type TraderKey,
  type TradingSession,
} from '../../chapters/06-session-windows/given.js';

export * from '../../chapters/06-session-windows/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  interface SessionTotals {
    readonly orders: number;
    readonly bought: number;
    readonly sold: number;
  }

  const NO_ORDERS: SessionTotals = { orders: 0, bought: 0, sold: 0 };

  function addOrder(totals: SessionTotals, order: MarketOrder): SessionTotals {
    return {
      orders: totals.orders + 1,
      bought: totals.bought + (order.type === 'BUY' ? order.shares : 0),
      sold: totals.sold + (order.type === 'SELL' ? order.shares : 0),
    };
  }

  function mergeSessions(left: SessionTotals, right: SessionTotals): SessionTotals {
    return { orders: left.orders + right.orders, bought: left.bought + right.bought, sold: left.sold + right.sold };
  }

  orders
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(INACTIVITY_GAP_MS, SESSION_GRACE_MS))
    .aggregate<SessionTotals>(
      () => NO_ORDERS,
      (_trader, order, totals) => addOrder(totals, order),
      (_trader, left, right) => mergeSessions(left, right),
    )
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    // A session window spans its first to its last order, both included.
    .map((session, totals) =>
      KeyValue.pair<TraderKey, TradingSession>(session.key, {
        firstOrder: isoAt(session.window.start),
        lastOrder: isoAt(session.window.end),
        ...totals,
      }),
    )
    .to(TRADING_SESSIONS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
