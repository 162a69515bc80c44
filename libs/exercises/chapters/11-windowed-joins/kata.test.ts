import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  ORDER_LATENCIES_TOPIC,
  ORDERS_TOPIC,
  RESULTS_TOPIC,
  type MarketOrder,
  type OrderLatency,
  type TraderKey,
  type TxnResult,
  type TxnStatus,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 11 — windowed joins', () => {
  let driver: TopologyTestDriver;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let results: TestInputTopic<TraderKey, TxnResult>;
  let latencies: TestOutputTopic<TraderKey, OrderLatency>;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    results = driver.createInputTopic<TraderKey, TxnResult>(RESULTS_TOPIC);
    latencies = driver.createOutputTopic<TraderKey, OrderLatency>(ORDER_LATENCIES_TOPIC);
  });
  afterEach(() => driver.close());

  /** A market order that reaches Kafka `ms` after the opening. */
  function order(trader: TraderKey, txnId: string, ms: number): void {
    orders.pipeInput(trader, { time: isoAt(afterOpening(ms)), txnId, type: 'BUY', shares: 1 }, afterOpening(ms));
  }

  /** The market's answer to `txnId`, written `ms` after the opening. */
  function result(trader: TraderKey, txnId: string, ms: number, status: TxnStatus = 'ACCEPTED', type: TxnResult['type'] = 'MARKET'): void {
    const state = { time: isoAt(afterOpening(ms)), coins: 100, shares: 1, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
    results.pipeInput(trader, { txnId, type, state, status }, afterOpening(ms));
  }

  it('joins an order with its result within 5 s and sends its latency (result time − order time), keyed by the trader, stamped with the result’s time', () => {
    order(ALICE, 'ord-1', 0);
    result(ALICE, 'ord-1', 1200);
    expect(latencies.readRecordsToList()).toEqual([
      { key: ALICE, value: { txnId: 'ord-1', status: 'ACCEPTED', latencyMs: 1200 }, timestamp: afterOpening(1200) },
    ]);
  });

  it('pairs an order with the result of its own txnId only, not with the trader’s other results within the window', () => {
    order(ALICE, 'ord-1', 0);
    order(ALICE, 'ord-2', 1000);
    result(ALICE, 'ord-2', 1500, 'INSUFFICIENT_COINS');
    result(ALICE, 'ret-7', 1800, 'ACCEPTED', 'RETURN'); // a payout: no order of hers has this txnId
    result(ALICE, 'ord-1', 2000);
    expect(latencies.readKeyValuesToList()).toEqual([
      { key: ALICE, value: { txnId: 'ord-2', status: 'INSUFFICIENT_COINS', latencyMs: 500 } },
      { key: ALICE, value: { txnId: 'ord-1', status: 'ACCEPTED', latencyMs: 2000 } },
    ]);
  });

  it('joins a result exactly 5 s after its order (the window is inclusive), and none 5 s + 1 ms after', () => {
    order(ALICE, 'ord-1', 0);
    order(BOB, 'ord-2', 1000);
    result(ALICE, 'ord-1', 5 * SECOND);
    result(BOB, 'ord-2', 6 * SECOND + 1);
    expect(latencies.readKeyValuesToList()).toEqual([{ key: ALICE, value: { txnId: 'ord-1', status: 'ACCEPTED', latencyMs: 5 * SECOND } }]);
  });

  it('joins a result that reaches the app before its order, whichever comes first, and never an order with another trader’s result', () => {
    result(ALICE, 'ord-1', 800); // read before the order: buffered until it comes
    result(BOB, 'ord-1', 900); // Bob's txnId happens to be the same: another key, no join
    order(ALICE, 'ord-1', 0);
    expect(latencies.readRecordsToList()).toEqual([
      { key: ALICE, value: { txnId: 'ord-1', status: 'ACCEPTED', latencyMs: 800 }, timestamp: afterOpening(800) },
    ]);
  });
});
