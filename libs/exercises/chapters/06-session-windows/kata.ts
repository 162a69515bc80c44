/**
 * Chapter 06 — session windows: each trader's trading sessions, a burst of
 * orders ended by 30 seconds of silence.
 * Run its tests: npm run exercises -- --chapter 6
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import { ORDERS_TOPIC, type MarketOrder, type TraderKey } from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  // Group by trader, window into sessions (INACTIVITY_GAP_MS, SESSION_GRACE_MS), aggregate each
  // session's orders and shares bought and sold (with a merger for when sessions join), emit
  // only when the session is over, and send a TradingSession per trader and session to
  // TRADING_SESSIONS_TOPIC, keyed by the trader.
  orders.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
