/**
 * Chapter 12 on a real broker: the reference solution's STREAM_TIME punctuation
 * runs in the KafkaStreams runner, its store of last actions backed by
 * `<applicationId>-last-action-changelog`, and must alert as the
 * TopologyTestDriver alerts — the same traders, idle times and timestamps —
 * with its deletions reaching the changelog as tombstones, and through a
 * restart: a trader alerted before it is not alerted again, one still pending
 * is alerted once.
 */
import { randomUUID } from 'node:crypto';
import { partitionForKey } from '@banana-market/kafka';
import { TOPICS } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { changelogTopic, KafkaStreams, STREAM_TIME_STORE, TopologyTestDriver } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as timers from '../../solutions/12-timers-and-state-cleanup/kata.js';
import { isoAt, SECOND } from '../../chapters/support/market-time.js';
import { eventually, type ReadRecord, useOutsideWorld } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

/**
 * The records' timestamps: the last two and a half minutes, from a point of the
 * check's 10 s grid, so that the checks fall where the plan below says. None is
 * ahead of the clock: the other kata tests read market-orders from its
 * beginning, and a newer timestamp would move their stream time.
 */
const T0 = Math.floor((Date.now() - 150 * SECOND) / timers.CHECK_EVERY_MS) * timers.CHECK_EVERY_MS;
const at = (seconds: number) => T0 + seconds * SECOND;
const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 30_000;

type Order = { readonly key: timers.TraderKey; readonly value: timers.MarketOrder; readonly timestamp: number };

describe.skipIf(broker === undefined)('chapter 12 on a real broker (KafkaStreams with a stream-time punctuation)', () => {
  const run = randomUUID().slice(0, 8);
  const bootstrap = broker?.bootstrap ?? '';
  const applicationId = `katas-12-${run}`;
  const team = `KAFKA-${run}`;
  // market-orders with the game's partitions, as the server would have made it.
  const world = useOutsideWorld(broker, [TOPICS.marketOrders]);

  /** This run's traders, each on a partition of market-orders of their own (the producer's murmur2 of the JSON key). */
  function tradersOnTheirOwnPartitions(names: readonly string[]): timers.TraderKey[] {
    const taken = new Set<number>();
    return names.map((name) => {
      for (let n = 1; ; n++) {
        const key = { team, name: n === 1 ? name : `${name}${n}` };
        const partition = partitionForKey(timers.ORDERS_TOPIC, Buffer.from(JSON.stringify(key)), TOPICS.marketOrders.partitions);
        if (taken.has(partition)) continue;
        taken.add(partition);
        return key;
      }
    });
  }

  /** Waits until the app has processed, sent the outputs of and committed everything market-orders holds now. */
  async function processedByApp(): Promise<void> {
    const ends = await world.admin.fetchTopicOffsets(timers.ORDERS_TOPIC);
    await eventually(async () => {
      const [committed] = await world.admin.fetchOffsets({ groupId: applicationId, topics: [timers.ORDERS_TOPIC] });
      const committedAt = (partition: number) => BigInt(committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
      expect(ends.filter(({ partition, offset }) => committedAt(partition) < BigInt(offset)).map(({ partition }) => partition)).toEqual([]);
    }, DEADLINE_MS);
  }

  async function startApp(): Promise<KafkaStreams> {
    const app = new KafkaStreams(timers.buildTopology(), { applicationId, brokers: [bootstrap] });
    world.started(app);
    await app.start();
    return app;
  }

  it('alerts on the idle traders as the test driver does, deletes them through the changelog, and a restart alerts none twice', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const [alice, bob, carol, dave] = tradersOnTheirOwnPartitions(['alice', 'bob', 'carol', 'dave']) as [
      timers.TraderKey,
      timers.TraderKey,
      timers.TraderKey,
      timers.TraderKey,
    ];
    const traders = { alice, bob, carol, dave };
    let txn = 0;
    const order = (key: timers.TraderKey, seconds: number): Order => ({
      key,
      value: { time: isoAt(at(seconds)), txnId: `kafka-${run}-${++txn}`, type: 'BUY', shares: 1 },
      timestamp: at(seconds),
    });
    /**
     * Stream time is the task's, and the runner's single task reads the eight
     * partitions in no fixed order: a record on one partition may be processed
     * before or after a record sent earlier on another. So the orders go in
     * waves, each sent once the app has processed the last one (its committed
     * offsets reach the topic's end), and a wave whose records could interleave
     * in more than one way alerts no one: it moves no one past the 60 s. A wave
     * that alerts is a single order of bob's — on his own partition, it is his
     * orders that let the timer notice the others are gone, as in the chapter.
     * Each check then sees the same store at the same stream time as in the
     * driver, whatever the interleaving. Sent all at once, the orders before
     * the restart alert differently from run to run: bob's partition read
     * first carries stream time to 1:15 before the others are in the store.
     */
    const beforeRestart: Order[][] = [
      // Out of order across partitions (bob's 0:25 before alice's 0:01), and dave's 0:03 late behind his 0:08 on his
      // partition: in any order, stream time ends at 0:25 and each trader's last action is their latest; whichever
      // records the checks fire on, no one has been idle 60 s yet.
      [order(bob, 25), order(alice, 1), order(carol, 20), order(dave, 8), order(dave, 3)],
      [order(bob, 65)], // the check due at 0:30 fires at 1:05: alice idle 64 s, alerted and forgotten
      [order(alice, 68)], // alice comes back: in the store again; no check due before 1:10
      [order(bob, 75)], // the check at 1:15: dave idle 67 s (his late 0:03 changed nothing); carol 55 s, pending
    ];
    const afterRestart: Order[][] = [
      // A new instance schedules its check anew, due at once (Kafka's neither persists a schedule): 1:22 is past 1:20,
      // where the driver, running on, checks too. carol idle 62 s, alerted; dave, alerted before, is no longer in the store.
      [order(bob, 82)],
      [order(bob, 130)], // the check at 2:10: alice idle 62 s since she came back, alerted a second time
    ];

    const driver = new TopologyTestDriver(timers.buildTopology());
    const ordersIn = driver.createInputTopic<unknown, unknown>(timers.ORDERS_TOPIC);
    const alertsOut = driver.createOutputTopic<unknown, unknown>(timers.IDLE_TRADERS_TOPIC);
    for (const o of beforeRestart.flat()) ordersIn.pipeInput(o.key, o.value, o.timestamp);
    const expectedBefore = alertsOut.readRecordsToList();
    for (const o of afterRestart.flat()) ordersIn.pipeInput(o.key, o.value, o.timestamp);
    const expectedAfter = alertsOut.readRecordsToList();
    const driverStore = driver.getKeyValueStore<timers.TraderKey, number>(timers.LAST_ACTION_STORE);
    const lastActionsInDriver = Object.fromEntries(Object.entries(traders).map(([name, key]) => [name, driverStore.get(key) ?? null]));
    driver.close();
    const alert = (key: timers.TraderKey, lastS: number, checkS: number) => ({
      key,
      value: { lastActionAt: isoAt(at(lastS)), idleForMs: (checkS - lastS) * SECOND } satisfies timers.IdleTraderAlert,
      timestamp: at(checkS),
    });
    expect(expectedBefore).toEqual([alert(alice, 1, 65), alert(dave, 8, 75)]);
    expect(expectedAfter).toEqual([alert(carol, 20, 82), alert(alice, 68, 130)]);
    expect(lastActionsInDriver).toEqual({ alice: null, bob: at(130), carol: null, dave: null });

    // The app's group starts at market-orders' end, not its beginning: on a shared broker (KAFKA_BROKERS) the topic
    // holds earlier runs' orders, stamped up to now, which would carry stream time past this run's first orders.
    const ends = await world.admin.fetchTopicOffsets(timers.ORDERS_TOPIC);
    await world.admin.setOffsets({
      groupId: applicationId,
      topic: timers.ORDERS_TOPIC,
      partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
    });
    const first = await startApp();
    const [alerts, changelog, streamTimes] = await Promise.all([
      world.outside.watch(timers.IDLE_TRADERS_TOPIC),
      world.outside.watch(changelogTopic(applicationId, timers.LAST_ACTION_STORE)),
      world.outside.watch(changelogTopic(applicationId, STREAM_TIME_STORE)),
    ]);

    const sameTrader = (a: unknown, b: timers.TraderKey) => JSON.stringify(a) === JSON.stringify(b);
    // At least once: an alert replayed after a rebalance comes twice, so the broker's are compared distinct.
    const distinct = (records: readonly ReadRecord[]) => [...new Map(records.map((r) => [JSON.stringify(r), r])).values()];
    const keyValueTime = (records: readonly ReadRecord[]) => records.map(({ key, value, timestamp }) => ({ key, value, timestamp }));
    /** Each trader's alerts, in their order: one trader's alerts are in order on any partition, traders between them not. */
    const perTrader = (records: readonly ReadRecord[]) =>
      Object.fromEntries(Object.entries(traders).map(([name, key]) => [name, keyValueTime(records.filter((r) => sameTrader(r.key, key)))]));
    /** Each trader's entries in the changelog, a value repeated in a row (a batch sent again) once. */
    const changes = () =>
      Object.fromEntries(
        Object.entries(traders).map(([name, key]) => [
          name,
          changelog
            .filter((r) => sameTrader(r.key, key))
            .map((r) => r.value)
            .filter((value, i, all) => i === 0 || value !== all[i - 1]),
        ]),
      );
    /**
     * Every record of market-orders moves this app's stream time, whatever its
     * key: on a shared broker, another test writing newer orders while this
     * one runs would make the checks fire at its times. Said plainly, rather
     * than as alerts that differ.
     */
    const ourTimes = new Set([...beforeRestart, ...afterRestart].flat().map((o) => o.timestamp));
    async function streamTimeReached(seconds: number): Promise<void> {
      const times = () => streamTimes.map((r) => r.value as number);
      await eventually(() => expect(Math.max(...times())).toBeGreaterThanOrEqual(at(seconds)), DEADLINE_MS);
      const others = times().filter((time) => !ourTimes.has(time));
      expect(others, 'stream time moved by orders not of this run: another writer on market-orders while it ran').toEqual([]);
      expect(times()).toContain(at(seconds));
    }

    for (const wave of beforeRestart) {
      await world.outside.produce(timers.ORDERS_TOPIC, wave);
      await processedByApp();
    }
    await streamTimeReached(75);
    await eventually(() => expect(perTrader(distinct(alerts))).toEqual(perTrader(expectedBefore)), DEADLINE_MS);
    // Alice's and dave's deletions reached the changelog; alice's return put her back; dave's late order wrote nothing.
    await eventually(
      () => expect(changes()).toEqual({ alice: [at(1), null, at(68)], bob: [at(25), at(65), at(75)], carol: [at(20)], dave: [at(8), null] }),
      DEADLINE_MS,
    );

    // A clean close commits; the new instance restores the store (no dave) and stream time from their changelogs.
    await first.close();
    await startApp();
    for (const wave of afterRestart) {
      await world.outside.produce(timers.ORDERS_TOPIC, wave);
      await processedByApp();
    }
    await streamTimeReached(130);
    // dave once (before the restart), carol once (after it), alice once per time she went idle, bob never.
    await eventually(() => expect(perTrader(distinct(alerts))).toEqual(perTrader([...expectedBefore, ...expectedAfter])), DEADLINE_MS);
    await eventually(
      () =>
        expect(changes()).toEqual({
          alice: [at(1), null, at(68), null],
          bob: [at(25), at(65), at(75), at(82), at(130)],
          carol: [at(20), null],
          dave: [at(8), null],
        }),
      DEADLINE_MS,
    );
    // What the changelog ends with is what the driver's store holds: bob alone, the alerted traders as tombstones.
    expect(Object.fromEntries(Object.entries(changes()).map(([name, values]) => [name, values.at(-1)]))).toEqual(lastActionsInDriver);
  });
});
