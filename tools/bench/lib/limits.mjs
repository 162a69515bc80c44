/**
 * The bench's bounds and shared load: LIMITS (orders, seconds, rates and sizes of every row), the 45
 * TRADERS, the run's id RUN, and order(), the market order every load client sends.
 */
import { encode } from '@banana-market/protocol';

export const LIMITS = {
  engineOrders: 200_000,
  embeddedOrders: 20_000,
  kafkaOrders: 5_000,
  inFlight: 200,
  maxSeconds: 30,
  /**
   * Unreported orders (closed loop) that warm up each server and pipe process before its rows (bounded by
   * warmUpSeconds). After 1,000 a server's first closed loop ran at two thirds of its second one (it has far
   * more code to compile than a pipe); after 5,000 the first server's kafka-e2e still ran at 3.0-3.1k orders/s
   * where the next server, on the same broker a minute later, ran at 3.3-4.3k; after 20,000 at 3.9-4.2k
   * against 4.3k. The pipes' closed loops went up as much, so the ratios hardly moved.
   */
  warmUpOrders: 20_000,
  warmUpSeconds: 15,
  /**
   * Unreported, before the first Kafka row: the broker's own JIT warms up on an exactly-once pipe's load
   * (produce, fetch, transactions), so that the baselines, measured first, do not meet a cold broker.
   */
  brokerWarmUpOrders: 20_000,
  brokerWarmUpSeconds: 20,
  /** Open loop: how long orders are sent, and how long their answers are then awaited at most. */
  openSeconds: 10,
  drainSeconds: 10,
  /** The open-loop rates: [rate, baseline rows and server row]; 100/s is the HTTP players'. */
  rates: [20, 400, 100],
  /** kafka-servers-N: how long the servers may take to start and share the tasks. */
  clusterSettleSeconds: 20,
  /** The flood rows: calm traders and their rate, how long they are measured (after an unreported warm-up), the flood's requests in flight. */
  calmTraders: 6,
  calmRate: 2,
  calmSeconds: 10,
  calmWarmUpSeconds: 5,
  floodInFlight: 64,
  /**
   * The spectators rows: sockets, the processes holding them, how long each row is measured (after the
   * sockets settle), the server's feed recorded for the baseline (also the server's warm-up), the HTTP
   * players' orders a second and how often the coach posts a gibb (each a gibb frame and a HYPE_CHANGED
   * event: with the price and the leaderboard, throttled to 4 a second, ≥ 10 frames/s).
   */
  spectators: 500,
  spectatorProcesses: 4,
  spectatorSeconds: 10,
  spectatorSettleSeconds: 3,
  spectatorRecordSeconds: 15,
  spectatorOrdersPerSecond: 12,
  spectatorGibbMs: 300,
};
export const TRADERS = Array.from({ length: 45 }, (_, i) => ({ team: `TEAM${i % 9}`, name: `bench-${i}` }));
/** One id per run: rows that play a game an earlier row played use txnIds of their own (the game answers a repeated one from memory). */
export const RUN = Date.now().toString(36);

/** An order as a 2018 client writes it: alternating BUY 1 / SELL 1 so traders never run dry. */
export function order(i, prefix = 'bench') {
  const trader = TRADERS[i % TRADERS.length];
  const type = Math.floor(i / TRADERS.length) % 2 === 0 ? 'BUY' : 'SELL';
  return {
    trader,
    type,
    key: encode.traderKey(trader),
    txnId: `${prefix}_${i}`,
    value: encode.marketOrder({ time: new Date().toISOString(), txnId: `${prefix}_${i}`, type, shares: 1 }),
  };
}
