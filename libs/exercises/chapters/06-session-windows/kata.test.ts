import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, MINUTE, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  INACTIVITY_GAP_MS,
  ORDERS_TOPIC,
  SESSION_GRACE_MS,
  TRADING_SESSIONS_TOPIC,
  type MarketOrder,
  type TraderKey,
  type TradingSession,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

/** A session of orders at these times (ms after the opening). */
function session(firstMs: number, lastMs: number, totals: Pick<TradingSession, 'orders' | 'bought' | 'sold'>): TradingSession {
  return { firstOrder: isoAt(afterOpening(firstMs)), lastOrder: isoAt(afterOpening(lastMs)), ...totals };
}

function sorted(results: KeyValue<TraderKey, TradingSession>[]): KeyValue<TraderKey, TradingSession>[] {
  const order = (r: KeyValue<TraderKey, TradingSession>) => `${r.key.name} ${r.value.firstOrder}`;
  return [...results].sort((a, b) => order(a).localeCompare(order(b)));
}

describe('chapter 06 — session windows', () => {
  let driver: TopologyTestDriver;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let sessions: TestOutputTopic<TraderKey, TradingSession>;
  let txn = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    sessions = driver.createOutputTopic<TraderKey, TradingSession>(TRADING_SESSIONS_TOPIC);
    txn = 0;
  });
  afterEach(() => driver.close());

  /** An order `ms` after the opening, e.g. trade(ALICE, 0, 'BUY', 2). */
  function trade(trader: TraderKey, ms: number, type: 'BUY' | 'SELL', shares: number): void {
    const timestamp = afterOpening(ms);
    orders.pipeInput(trader, { time: isoAt(timestamp), txnId: `o-${++txn}`, type, shares }, timestamp);
  }

  it('makes one session of orders less than 30 s apart, sent once the session is over', () => {
    trade(ALICE, 0, 'BUY', 2);
    trade(ALICE, 10 * SECOND, 'SELL', 1);
    trade(ALICE, 35 * SECOND, 'BUY', 3);
    trade(BOB, 36 * SECOND, 'SELL', 4);
    expect(sessions.readKeyValuesToList()).toEqual([]);

    trade(BOB, 10 * MINUTE, 'BUY', 1); // long after: both sessions are over
    expect(sorted(sessions.readKeyValuesToList())).toEqual([
      { key: ALICE, value: session(0, 35 * SECOND, { orders: 3, bought: 5, sold: 1 }) },
      { key: BOB, value: session(36 * SECOND, 36 * SECOND, { orders: 1, bought: 0, sold: 4 }) },
    ]);
  });

  it('ends a session when stream time passes its last order + gap + grace, not a millisecond before', () => {
    trade(ALICE, 0, 'BUY', 1);
    // An order of Alice's at exactly `gap` could still come, up to `grace` late.
    trade(BOB, INACTIVITY_GAP_MS + SESSION_GRACE_MS, 'BUY', 1);
    expect(sessions.readKeyValuesToList()).toEqual([]);
    trade(BOB, INACTIVITY_GAP_MS + SESSION_GRACE_MS + 1, 'BUY', 1);
    expect(sessions.readKeyValuesToList()).toEqual([{ key: ALICE, value: session(0, 0, { orders: 1, bought: 1, sold: 0 }) }]);
  });

  it('keeps an order exactly 30 s after the last in the session; one more millisecond starts a new session', () => {
    trade(ALICE, 0, 'BUY', 1);
    trade(ALICE, INACTIVITY_GAP_MS, 'BUY', 2);
    trade(ALICE, 2 * INACTIVITY_GAP_MS + 1, 'SELL', 3);
    trade(BOB, 10 * MINUTE, 'BUY', 1);
    expect(sorted(sessions.readKeyValuesToList())).toEqual([
      { key: ALICE, value: session(0, INACTIVITY_GAP_MS, { orders: 2, bought: 3, sold: 0 }) },
      { key: ALICE, value: session(2 * INACTIVITY_GAP_MS + 1, 2 * INACTIVITY_GAP_MS + 1, { orders: 1, bought: 0, sold: 3 }) },
    ]);
  });

  it('joins two sessions into one when a late order falls between them', () => {
    trade(ALICE, 0, 'BUY', 1);
    trade(ALICE, 50 * SECOND, 'BUY', 2); // 50 s of silence: a second session
    trade(ALICE, 25 * SECOND, 'SELL', 1); // late, and within 30 s of both: one session
    trade(BOB, 10 * MINUTE, 'BUY', 1);
    expect(sorted(sessions.readKeyValuesToList())).toEqual([{ key: ALICE, value: session(0, 50 * SECOND, { orders: 3, bought: 3, sold: 1 }) }]);
  });

  it('drops an order that comes after its session is over, and counts it as dropped', () => {
    trade(ALICE, 0, 'BUY', 1);
    trade(BOB, 5 * MINUTE, 'BUY', 1); // Alice's session is over
    trade(ALICE, 10 * SECOND, 'SELL', 1); // too late to join it
    trade(BOB, 20 * MINUTE, 'BUY', 1);
    expect({ sessions: sorted(sessions.readKeyValuesToList()), droppedRecords: driver.droppedRecords() }).toEqual({
      sessions: [
        { key: ALICE, value: session(0, 0, { orders: 1, bought: 1, sold: 0 }) },
        { key: BOB, value: session(5 * MINUTE, 5 * MINUTE, { orders: 1, bought: 1, sold: 0 }) },
      ],
      droppedRecords: 1,
    });
  });
});
