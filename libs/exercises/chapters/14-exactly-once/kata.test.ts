import { TopologyTestDriver, type KeyValue, type StreamRecord, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  ACCEPTED_ORDERS_STORE,
  ACCEPTED_ORDERS_TOPIC,
  buildTopology,
  RESULTS_TOPIC,
  streamsSettings,
  type TraderKey,
  type TxnResult,
  type TxnStatus,
  type TxnType,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 14 — exactly-once', () => {
  let driver: TopologyTestDriver;
  let results: TestInputTopic<TraderKey, TxnResult>;
  let counts: TestOutputTopic<TraderKey, number>;
  let txn = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    results = driver.createInputTopic<TraderKey, TxnResult>(RESULTS_TOPIC);
    counts = driver.createOutputTopic<TraderKey, number>(ACCEPTED_ORDERS_TOPIC);
    txn = 0;
  });
  afterEach(() => driver.close());

  /** The market's answer to one of the trader's orders (or a payout), written `ms` after the opening. */
  function result(trader: TraderKey, ms: number, status: TxnStatus = 'ACCEPTED', type: TxnType = 'MARKET'): void {
    const state = { time: isoAt(afterOpening(ms)), coins: 100, shares: 1, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
    results.pipeInput(trader, { txnId: `txn-${++txn}`, type, state, status }, afterOpening(ms));
  }

  const count = (trader: TraderKey, value: number, ms: number): StreamRecord<TraderKey, number> => ({
    key: trader,
    value,
    timestamp: afterOpening(ms),
  });

  it('sends each trader’s running count of accepted orders, stamped with the result that moved it', () => {
    result(ALICE, 0);
    result(BOB, 1 * SECOND, 'ACCEPTED', 'INVEST');
    result(ALICE, 2 * SECOND, 'ACCEPTED', 'FEED');
    expect(counts.readRecordsToList()).toEqual([count(ALICE, 1, 0), count(BOB, 1, 1 * SECOND), count(ALICE, 2, 2 * SECOND)]);
  });

  it('counts only accepted orders: refused orders and the market’s payouts (BAILOUT, RETURN) change nothing', () => {
    result(ALICE, 0, 'INSUFFICIENT_COINS');
    result(ALICE, 1 * SECOND, 'REJECTED', 'FEED');
    result(ALICE, 2 * SECOND, 'ACCEPTED', 'BAILOUT');
    result(ALICE, 3 * SECOND, 'ACCEPTED', 'RETURN');
    result(ALICE, 4 * SECOND, 'INSUFFICIENT_SHARES');
    result(ALICE, 5 * SECOND);
    expect(counts.readRecordsToList()).toEqual([count(ALICE, 1, 5 * SECOND)]);
  });

  it('keeps the counts in ACCEPTED_ORDERS_STORE, the store a restarted app restores from its changelog', () => {
    for (const ms of [0, 1, 2]) result(ALICE, ms * SECOND);
    result(BOB, 3 * SECOND, 'ACCEPTED', 'FEED');
    const stored: KeyValue<TraderKey, number>[] = [...driver.getKeyValueStore<TraderKey, number>(ACCEPTED_ORDERS_STORE).all()];
    expect(stored).toEqual([
      { key: ALICE, value: 3 },
      { key: BOB, value: 1 },
    ]);
  });

  it('runs exactly-once: at-least-once, a crash after the counts are sent and before the input is committed counts that batch twice', () => {
    expect(streamsSettings).toEqual({ processingGuarantee: 'exactly_once_v2' });
  });
});
