/**
 * Chapter 06 — session windows: each trader's trading sessions, a burst of
 * orders ended by 30 seconds of silence.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 6
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
import { KeyValue, SessionWindows, StreamsBuilder, Suppressed, type Topology, type Windowed } from '@banana-market/exercises';
import {
  INACTIVITY_GAP_MS,
  isoAt,
  ORDERS_TOPIC,
  SESSION_GRACE_MS,
  TRADING_SESSIONS_TOPIC,
  type MarketOrder,
  type TraderKey,
  type TradingSession,
} from './given.js';

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
