/**
 * Chapter 11 on a real broker: the reference solution's windowed join runs in
 * the KafkaStreams runner, its two join buffers in changelog-backed stores,
 * and must write what the TopologyTestDriver writes — the same latencies, with
 * the results' timestamps — whichever of the two topics the runner reads first.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { KafkaStreams, TopologyTestDriver } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as windowedJoins from '../../solutions/11-windowed-joins/kata.js';
import { isoAt } from '../../chapters/support/market-time.js';
import { eventually, useOutsideWorld, type ReadRecord } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

/** The records' timestamps (event time here) stay around now, as the broker wants them. */
const START = Date.now();
const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 30_000;

describe.skipIf(broker === undefined)('chapter 11 on a real broker (KafkaStreams with a windowed stream–stream join)', () => {
  const run = randomUUID().slice(0, 8);
  const brokers = [broker?.bootstrap ?? ''];
  const world = useOutsideWorld(broker, [TOPICS.marketOrders, TOPICS.txnResults]);

  it('joins each order with its result as the test driver does: the same latencies, stamped with the results’ timestamps', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const trader: windowedJoins.TraderKey = { team: `KAFKA-${run}`, name: 'alice' };
    const txn = (i: number) => `kafka-${run}-${i}`;
    const orders = [0, 1].map((i) => ({
      key: trader,
      value: { time: isoAt(START + i * 1000), txnId: txn(i), type: 'BUY', shares: 1 } satisfies windowedJoins.MarketOrder,
      timestamp: START + i * 1000,
    }));
    const state = { time: isoAt(START), coins: 100, shares: 1, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
    const result = (i: number, ms: number, status: windowedJoins.TxnStatus) => ({
      key: trader,
      value: { txnId: txn(i), type: 'MARKET', state, status } satisfies windowedJoins.TxnResult,
      timestamp: START + ms,
    });
    const results = [result(1, 1500, 'INSUFFICIENT_COINS'), result(0, 2000, 'ACCEPTED'), result(7, 2100, 'ACCEPTED')];

    const driver = new TopologyTestDriver(windowedJoins.buildTopology());
    const ordersIn = driver.createInputTopic<unknown, unknown>(windowedJoins.ORDERS_TOPIC);
    const resultsIn = driver.createInputTopic<unknown, unknown>(windowedJoins.RESULTS_TOPIC);
    for (const o of orders) ordersIn.pipeInput(o.key, o.value, o.timestamp);
    for (const r of results) resultsIn.pipeInput(r.key, r.value, r.timestamp);
    const expected = driver.createOutputTopic<unknown, unknown>(windowedJoins.ORDER_LATENCIES_TOPIC).readRecordsToList();
    driver.close();
    expect(expected).toEqual([
      { key: trader, value: { txnId: txn(1), status: 'INSUFFICIENT_COINS', latencyMs: 500 }, timestamp: START + 1500 },
      { key: trader, value: { txnId: txn(0), status: 'ACCEPTED', latencyMs: 2000 }, timestamp: START + 2000 },
    ]);

    const app = world.started(new KafkaStreams(windowedJoins.buildTopology(), { applicationId: `katas-11-${run}`, brokers }));
    await app.start();
    const latencies = await world.outside.watch(windowedJoins.ORDER_LATENCIES_TOPIC);
    await world.outside.produce(windowedJoins.ORDERS_TOPIC, orders);
    await world.outside.produce(windowedJoins.RESULTS_TOPIC, results);

    const ours = (r: ReadRecord) => (r.key as windowedJoins.TraderKey | null)?.team === trader.team;
    // At least once, and two topics read in no fixed order: compare the distinct records, sorted by timestamp.
    const distinct = (records: readonly ReadRecord[]) =>
      [...new Map(records.map((r) => [JSON.stringify(r), r])).values()].sort((a, b) => a.timestamp - b.timestamp);
    await eventually(() => {
      expect(distinct(latencies.filter(ours)).map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual(expected);
    }, DEADLINE_MS);
  });
});
