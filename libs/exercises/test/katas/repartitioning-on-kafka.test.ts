/**
 * Chapter 13 on a real broker: the reference solution re-keys the orders by
 * team through its repartition topic, which the KafkaStreams runner creates as
 * `<applicationId>-orders-by-team-repartition` with the partition count of its
 * source topics, writes to and reads back; it must flag the same orders as the
 * TopologyTestDriver, with the same timestamps.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS, type TopicSpec } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { changelogTopic, KafkaStreams, TopologyTestDriver } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as repartitioning from '../../solutions/13-repartitioning/kata.js';
import { isoAt } from '../../chapters/support/market-time.js';
import { eventually, useOutsideWorld, type ReadRecord } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

/** The records' timestamps stay around now, as the broker wants them. */
const START = Date.now();
const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 30_000;

/** The team limits as the coach would create the topic: compacted, with the orders' partition count. */
const TEAM_LIMITS: TopicSpec = {
  name: repartitioning.TEAM_LIMITS_TOPIC,
  partitions: repartitioning.TEAM_LIMITS_PARTITIONS,
  config: { 'cleanup.policy': 'compact' },
  players: 'none',
};

describe.skipIf(broker === undefined)('chapter 13 on a real broker (KafkaStreams with a repartition topic)', () => {
  const run = randomUUID().slice(0, 8);
  const bootstrap = broker?.bootstrap ?? '';
  const applicationId = `katas-13-${run}`;
  const world = useOutsideWorld(broker, [TOPICS.marketOrders, TEAM_LIMITS]);

  it('flags the orders above their team’s limit as the test driver does, through <applicationId>-orders-by-team-repartition with the sources’ partition count', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    // This run's own team: on a shared broker, market-orders holds other tests' orders too.
    const team = `KAFKA-${run}`;
    const limit = { key: team, value: { maxSharesPerOrder: 5 } satisfies repartitioning.TeamLimit, timestamp: START };
    const orders = [
      { name: 'alice', shares: 7 },
      { name: 'anna', shares: 5 },
      { name: 'bob', shares: 6 },
      { name: 'carl', shares: 9 },
    ].map(({ name, shares }, i) => ({
      key: { team, name } satisfies repartitioning.TraderKey,
      value: { time: isoAt(START + (i + 1) * 1000), txnId: `kafka-${run}-${i}`, type: 'BUY', shares } satisfies repartitioning.MarketOrder,
      timestamp: START + (i + 1) * 1000,
    }));

    const driver = new TopologyTestDriver(repartitioning.buildTopology());
    driver.createInputTopic<unknown, unknown>(repartitioning.TEAM_LIMITS_TOPIC).pipeInput(limit.key, limit.value, limit.timestamp);
    const ordersIn = driver.createInputTopic<unknown, unknown>(repartitioning.ORDERS_TOPIC);
    for (const o of orders) ordersIn.pipeInput(o.key, o.value, o.timestamp);
    const expected = driver.createOutputTopic<unknown, unknown>(repartitioning.OVERSIZED_ORDERS_TOPIC).readRecordsToList();
    driver.close();
    expect(expected.map((r) => (r.value as repartitioning.OversizedOrder).name)).toEqual(['alice', 'bob', 'carl']);

    const topology = repartitioning.buildTopology();
    const app = world.started(new KafkaStreams(topology, { applicationId, brokers: [bootstrap] }));
    await app.start();

    const repartitionTopic = `${applicationId}-${repartitioning.ORDERS_BY_TEAM}-repartition`;
    const { topics } = await world.admin.fetchTopicMetadata({ topics: [repartitionTopic] });
    expect(topics.map((t) => ({ name: t.name, partitions: t.partitions.length }))).toEqual([
      { name: repartitionTopic, partitions: TOPICS.marketOrders.partitions },
    ]);

    // The runner reads its two topics in no fixed order: the orders come once the limit is in the table (its changelog has it).
    const [tableStore] = topology.storeNames;
    const tableChangelog = await world.outside.watch(changelogTopic(applicationId, tableStore));
    const oversized = await world.outside.watch(repartitioning.OVERSIZED_ORDERS_TOPIC);
    await world.outside.produce(repartitioning.TEAM_LIMITS_TOPIC, [limit]);
    await eventually(() => expect(tableChangelog.map((r) => [r.key, r.value])).toContainEqual([team, limit.value]), DEADLINE_MS);
    await world.outside.produce(repartitioning.ORDERS_TOPIC, orders);

    const ours = (r: ReadRecord) => r.key === team;
    // At least once: compare the distinct records, sorted by timestamp.
    const distinct = (records: readonly ReadRecord[]) =>
      [...new Map(records.map((r) => [JSON.stringify(r), r])).values()].sort((a, b) => a.timestamp - b.timestamp);
    await eventually(() => {
      expect(distinct(oversized.filter(ours)).map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual(expected);
    }, DEADLINE_MS);
  });
});
