/**
 * Chapter 14 on a real broker, through a crash: the reference solution runs
 * in a process of its own with its own settings (exactly_once_v2) and is
 * SIGKILLed after sending a wave of counts and before committing it; a new
 * process takes over. Every trader's counts, read as a read_committed reader
 * reads them, are exactly what the test driver writes: 1, 2, … n, once each,
 * with the same timestamps.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { TopologyTestDriver } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as exactlyOnce from '../../solutions/14-exactly-once/kata.js';
import { isoAt } from '../../chapters/support/market-time.js';
import { eventually, type ReadRecord, useOutsideWorld } from '../streams/kafka-support.js';
import { crashBetweenSendAndCommit, killStreamsProcess, type StreamsProcess } from '../streams/kill-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

const SOLUTION = fileURLToPath(new URL('../../solutions/14-exactly-once/kata.ts', import.meta.url));
const STATUSES: exactlyOnce.TxnStatus[] = ['ACCEPTED', 'ACCEPTED', 'INSUFFICIENT_COINS', 'ACCEPTED', 'REJECTED'];
const TYPES: exactlyOnce.TxnType[] = ['MARKET', 'INVEST', 'FEED', 'BAILOUT', 'MARKET', 'RETURN', 'FEED'];

interface Result {
  readonly key: exactlyOnce.TraderKey;
  readonly value: exactlyOnce.TxnResult;
  readonly timestamp: number;
}

describe.skipIf(broker === undefined)('chapter 14 on a real broker (exactly-once through a SIGKILL)', () => {
  const bootstrap = broker?.bootstrap ?? '';
  const run = randomUUID().slice(0, 8);
  const team = `KAFKA-${run}`;
  const traders: exactlyOnce.TraderKey[] = ['alice', 'bob', 'carol'].map((name) => ({ team, name }));
  const started: StreamsProcess[] = [];
  const world = useOutsideWorld(broker, [TOPICS.txnResults]);
  // Whatever a failed test left running is killed, as the crash itself was, and gone before the broker stops.
  world.started({ close: async () => void (await Promise.all(started.map(killStreamsProcess))) });

  /** `perTrader` results for each trader, statuses and types mixed, numbered from `from`. */
  function results(perTrader: number, from: number): Result[] {
    const start = Date.now();
    return traders.flatMap((trader, t) =>
      Array.from({ length: perTrader }, (_, i) => {
        const n = from + i;
        const timestamp = start + n * 10 + t;
        const state = { time: isoAt(timestamp), coins: 100, shares: 1, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
        const value = {
          txnId: `${run}-${trader.name}-${n}`,
          type: TYPES[(n + t) % TYPES.length],
          state,
          status: STATUSES[(n * 3 + t) % STATUSES.length],
        };
        return { key: trader, value, timestamp } satisfies Result;
      }),
    );
  }

  it('counts every accepted order once, as the test driver does, though the app was killed mid-commit', { timeout: 120_000 }, async () => {
    const sent: Result[] = [];
    const produce = (batch: Result[]) => async () => {
      sent.push(...batch);
      await world.outside.produce(exactlyOnce.RESULTS_TOPIC, batch);
    };
    const ours = (record: ReadRecord) => (record.key as exactlyOnce.TraderKey | null)?.team === team;
    const { committed, everything, sentBeforeKill, firstWaveOutputs } = await crashBetweenSendAndCommit({
      admin: world.admin,
      outside: world.outside,
      started,
      env: { TOPOLOGY_MODULE: SOLUTION, APPLICATION_ID: `katas-14-${run}`, BROKERS: bootstrap },
      inputTopic: exactlyOnce.RESULTS_TOPIC,
      outputTopic: exactlyOnce.ACCEPTED_ORDERS_TOPIC,
      firstWave: produce(results(15, 0)),
      secondWave: produce(results(30, 15)),
      isOurs: ours,
    });

    // The same results, per trader in the same order, through the test driver.
    const driver = new TopologyTestDriver(exactlyOnce.buildTopology());
    const input = driver.createInputTopic<exactlyOnce.TraderKey, exactlyOnce.TxnResult>(exactlyOnce.RESULTS_TOPIC);
    for (const result of sent) input.pipeInput(result.key, result.value, result.timestamp);
    const expected = driver.createOutputTopic<exactlyOnce.TraderKey, number>(exactlyOnce.ACCEPTED_ORDERS_TOPIC).readRecordsToList();
    driver.close();

    const perTrader = (records: readonly ReadRecord[], trader: exactlyOnce.TraderKey) =>
      records.filter((r) => JSON.stringify(r.key) === JSON.stringify(trader)).map((r) => ({ value: r.value, timestamp: r.timestamp }));
    for (const trader of traders) {
      const exact = sent.filter((r) => r.key.name === trader.name && exactlyOnce.isAcceptedOrder(r.value)).length;
      expect(perTrader(expected, trader).map((r) => r.value)).toEqual(Array.from({ length: exact }, (_, i) => i + 1));
      await eventually(() => expect(perTrader(committed(), trader)).toEqual(perTrader(expected, trader)));
    }
    // The kill did land mid-transaction: counts of the second wave were in the log, and were aborted.
    expect(sentBeforeKill).toBeGreaterThan(firstWaveOutputs);
    expect(everything().length).toBeGreaterThan(committed().length);
  });
});
