import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  ORDERS_PER_MINUTE_TOPIC,
  ORDERS_TOPIC,
  WINDOW_SIZE_MS,
  type MarketOrder,
  type OrdersPerMinute,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

/** The n-th minute since the opening (the opening is on a round minute, so windows start there). */
function nthMinute(n: number): { windowStart: string; windowEnd: string } {
  return { windowStart: isoAt(afterOpening(n * WINDOW_SIZE_MS)), windowEnd: isoAt(afterOpening((n + 1) * WINDOW_SIZE_MS)) };
}

/** An order's `time`: `ms` after the opening. */
const decidedAt = (ms: number) => isoAt(afterOpening(ms));

/** Windows closing together may come out in any order: compare them sorted by window, then trader. */
function sorted(results: KeyValue<TraderKey, OrdersPerMinute>[]): KeyValue<TraderKey, OrdersPerMinute>[] {
  const order = (r: KeyValue<TraderKey, OrdersPerMinute>) => `${r.value.windowStart} ${r.key.team}/${r.key.name}`;
  return [...results].sort((a, b) => order(a).localeCompare(order(b)));
}

describe('chapter 10 — event time', () => {
  let driver: TopologyTestDriver;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let perMinute: TestOutputTopic<TraderKey, OrdersPerMinute>;
  let txn = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    perMinute = driver.createOutputTopic<TraderKey, OrdersPerMinute>(ORDERS_PER_MINUTE_TOPIC);
    txn = 0;
  });
  afterEach(() => driver.close());

  /** An order with this `time` (none when undefined) that reaches Kafka `arrivesMs` after the opening: its record's timestamp. */
  function send(trader: TraderKey, time: string | undefined, arrivesMs: number): void {
    const order: MarketOrder = { ...(time === undefined ? {} : { time }), txnId: `ord-${++txn}`, type: 'BUY', shares: 1 };
    orders.pipeInput(trader, order, afterOpening(arrivesMs));
  }

  it('counts an order in the minute of its own time, not of the minute it reached Kafka in, and stamps the result with event time', () => {
    send(ALICE, decidedAt(50 * SECOND), 65 * SECOND); // decided in minute 0, arrived in minute 1
    send(ALICE, decidedAt(55 * SECOND), 66 * SECOND);
    send(BOB, decidedAt(70 * SECOND), 70 * SECOND); // stream time 1:10 = minute 0's end + grace: it closes
    // The result's timestamp is event time too: that of the last order in the minute.
    expect(perMinute.readRecordsToList()).toEqual([{ key: ALICE, value: { ...nthMinute(0), orders: 2 }, timestamp: afterOpening(55 * SECOND) }]);
  });

  it('puts orders that arrive out of order in their own minutes, while their minute is within its grace', () => {
    send(ALICE, decidedAt(61 * SECOND), 62 * SECOND);
    send(ALICE, decidedAt(30 * SECOND), 63 * SECOND); // older than the one before: stream time 1:01 < 1:00 + 10 s of grace
    send(BOB, decidedAt(65 * SECOND), 64 * SECOND);
    send(ALICE, decidedAt(59_999), 66 * SECOND);
    send(BOB, decidedAt(130 * SECOND), 131 * SECOND); // closes minutes 0 and 1
    expect(sorted(perMinute.readKeyValuesToList())).toEqual([
      { key: ALICE, value: { ...nthMinute(0), orders: 2 } },
      { key: ALICE, value: { ...nthMinute(1), orders: 1 } },
      { key: BOB, value: { ...nthMinute(1), orders: 1 } },
    ]);
  });

  it('drops an order whose minute has closed (stream time ≥ its end + grace), and counts it as dropped', () => {
    send(ALICE, decidedAt(20 * SECOND), 21 * SECOND);
    send(BOB, decidedAt(75 * SECOND), 76 * SECOND); // stream time 1:15: minute 0 has closed
    send(ALICE, decidedAt(58 * SECOND), 77 * SECOND); // too late for minute 0, though it reached Kafka right after Bob's
    send(BOB, decidedAt(140 * SECOND), 141 * SECOND); // closes minute 1
    expect({ results: sorted(perMinute.readKeyValuesToList()), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [
        { key: ALICE, value: { ...nthMinute(0), orders: 1 } },
        { key: BOB, value: { ...nthMinute(1), orders: 1 } },
      ],
      droppedRecords: 1,
    });
  });

  it('counts an order without a time at its record’s timestamp: when it reached Kafka', () => {
    send(ALICE, undefined, 40 * SECOND);
    send(ALICE, decidedAt(10 * SECOND), 45 * SECOND);
    send(ALICE, undefined, 75 * SECOND); // minute 1; stream time 1:15 closes minute 0
    expect(perMinute.readKeyValuesToList()).toEqual([{ key: ALICE, value: { ...nthMinute(0), orders: 2 } }]);
  });

  it('reads a time without a zone as UTC, as the game does, and drops an order whose time is not a date (counted as dropped)', () => {
    send(ALICE, decidedAt(30 * SECOND).replace(/Z$/, ''), 31 * SECOND); // 09:00:30, no zone: UTC
    send(ALICE, 'half past nine', 32 * SECOND);
    send(BOB, decidedAt(70 * SECOND), 71 * SECOND); // closes minute 0
    expect({ results: perMinute.readKeyValuesToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [{ key: ALICE, value: { ...nthMinute(0), orders: 1 } }],
      droppedRecords: 1,
    });
  });
});
