/**
 * Chapter 10 on a real broker: the reference solution's timestamp extractor
 * runs in the KafkaStreams runner, on orders whose record timestamps (when they
 * reached Kafka) are shuffled against their own `time`, and the runner must
 * write what the TopologyTestDriver writes — the same windows, the same late
 * order dropped, and the extracted event time as the outputs' timestamps.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { KafkaStreams, TopologyTestDriver } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as eventTime from '../../solutions/10-event-time/kata.js';
import { isoAt, MINUTE, SECOND } from '../../chapters/support/market-time.js';
import { eventually, useOutsideWorld, type ReadRecord } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

/**
 * Event times (the orders' `time`) from a whole minute ten minutes ahead: on a
 * shared broker (KAFKA_BROKERS) the other tests' market orders carry times of
 * the coming minute at most, so they can neither close this run's windows nor
 * make its orders late. The records' own timestamps stay around now, as the
 * broker wants them.
 */
const EVENT_START = Math.ceil(Date.now() / MINUTE) * MINUTE + 10 * MINUTE;
const ARRIVAL_START = Date.now();

const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 30_000;

describe.skipIf(broker === undefined)('chapter 10 on a real broker (KafkaStreams with a timestamp extractor)', () => {
  const run = randomUUID().slice(0, 8);
  const brokers = [broker?.bootstrap ?? ''];
  const world = useOutsideWorld(broker, [TOPICS.marketOrders]);

  it('counts orders in the minutes of their own time, as the test driver does: outputs, event-time timestamps and the late order dropped', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    // One trader, so that every record lands in one partition and keeps its order, as in the driver.
    const trader: eventTime.TraderKey = { team: `KAFKA-${run}`, name: 'alice' };
    const plan: [decidedMs: number, arrivesMs: number][] = [
      [50 * SECOND, 1], // minute 0, arrives after the next one
      [61 * SECOND, 0], // minute 1
      [30 * SECOND, 2], // minute 0, out of order but within the grace
      [75 * SECOND, 3], // stream time 1:15: minute 0 closes
      [58 * SECOND, 4], // too late for minute 0: dropped
      [3 * MINUTE, 5], // closes minute 1
    ];
    const orders = plan.map(([decidedMs, arrivesMs], i) => ({
      key: trader,
      value: { time: isoAt(EVENT_START + decidedMs), txnId: `kafka-${run}-${i}`, type: 'BUY', shares: 1 } satisfies eventTime.MarketOrder,
      timestamp: ARRIVAL_START + arrivesMs,
    }));

    const driver = new TopologyTestDriver(eventTime.buildTopology());
    const input = driver.createInputTopic<unknown, unknown>(eventTime.ORDERS_TOPIC);
    for (const o of orders) input.pipeInput(o.key, o.value, o.timestamp);
    const expected = driver.createOutputTopic<unknown, unknown>(eventTime.ORDERS_PER_MINUTE_TOPIC).readRecordsToList();
    const expectedDropped = driver.droppedRecords();
    driver.close();
    expect({ expected, expectedDropped }).toEqual({
      expected: [
        {
          key: trader,
          value: { windowStart: isoAt(EVENT_START), windowEnd: isoAt(EVENT_START + MINUTE), orders: 2 },
          timestamp: EVENT_START + 50 * SECOND,
        },
        {
          key: trader,
          value: { windowStart: isoAt(EVENT_START + MINUTE), windowEnd: isoAt(EVENT_START + 2 * MINUTE), orders: 2 },
          timestamp: EVENT_START + 75 * SECOND,
        },
      ],
      expectedDropped: 1,
    });

    const app = world.started(new KafkaStreams(eventTime.buildTopology(), { applicationId: `katas-10-${run}`, brokers }));
    await app.start();
    const perMinute = await world.outside.watch(eventTime.ORDERS_PER_MINUTE_TOPIC);
    await world.outside.produce(eventTime.ORDERS_TOPIC, orders);

    const ours = (r: ReadRecord) => (r.key as eventTime.TraderKey | null)?.team === trader.team;
    // At least once: a replayed batch could repeat a record, so compare distinct ones.
    const distinct = (records: readonly ReadRecord[]) => [...new Map(records.map((r) => [JSON.stringify(r), r])).values()];
    await eventually(() => {
      expect(distinct(perMinute.filter(ours)).map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual(expected);
    }, DEADLINE_MS);
    expect({ droppedAtLeastOnce: (app?.droppedRecords() ?? 0) >= 1 }).toEqual({ droppedAtLeastOnce: true });
  });
});
