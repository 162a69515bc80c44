import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from '@banana-market/kafka';
import { describe, expect, it } from 'vitest';
import {
  KafkaStreams,
  STREAM_TIME_STORE,
  Stores,
  Suppressed,
  StreamsBuilder,
  TimeWindows,
  type Processor,
  type ProcessorContext,
  type Topology,
  type Windowed,
} from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import { createGameTopics, eventually, type ReadRecord, useOutsideWorld } from './kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined after a loud banner when this machine cannot run one.
const broker = await brokerForTests();

interface Order {
  readonly shares: number;
}

/** A running total of shares per trader, kept in a store of the Processor API. */
class RunningTotal implements Processor<string, Order, string, number> {
  private context!: ProcessorContext<string, number>;

  init(context: ProcessorContext<string, number>): void {
    this.context = context;
  }

  process(record: { key: string; value: Order; timestamp: number }): void {
    const totals = this.context.getStateStore<string, number>('running-totals');
    const total = (totals.get(record.key) ?? 0) + record.value.shares;
    totals.put(record.key, total);
    this.context.forward({ key: record.key, value: total, timestamp: record.timestamp });
  }
}

function ordersApp(topics: { orders: string; counts: string; totals: string }): Topology {
  const builder = new StreamsBuilder();
  builder.addStateStore(Stores.keyValueStore<string, number>('running-totals'));
  const orders = builder.stream<string, Order>(topics.orders);
  orders.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count('order-counts').toStream().to(topics.counts);
  orders.process(() => new RunningTotal(), 'running-totals').to(topics.totals);
  return builder.build();
}

const latest = (records: readonly ReadRecord[], key: unknown) => records.filter((r) => JSON.stringify(r.key) === JSON.stringify(key)).at(-1)?.value;

describe.skipIf(broker === undefined)('KafkaStreams on a real broker', () => {
  const run = randomUUID().slice(0, 8);
  const topics = { orders: `orders-${run}`, counts: `order-counts-${run}`, totals: `totals-${run}` };
  const applicationId = `orders-app-${run}`;
  const brokers = [broker?.bootstrap ?? ''];
  const world = useOutsideWorld(broker);

  const startApp = async () => {
    const app = new KafkaStreams(ordersApp(topics), { applicationId, brokers });
    world.started(app);
    await app.start();
    return app;
  };

  /** An app (closed after the file's tests) whose logged errors are kept, each as "message: error's message". */
  const appLoggingErrors = (topology: Topology, appId: string) => {
    const errors: string[] = [];
    const app = new KafkaStreams(topology, {
      applicationId: appId,
      brokers,
      logger: { info: () => undefined, error: (message, error) => errors.push(`${message}: ${(error as Error).message}`) },
    });
    return { app: world.started(app), errors };
  };

  it('continues its stores and stream time from the changelogs after a restart', { timeout: 60_000 }, async () => {
    const first = await startApp();
    const counts = await world.outside.watch(topics.counts);
    const totals = await world.outside.watch(topics.totals);
    const window0 = { start: 0, end: 60_000 };
    const window1 = { start: 60_000, end: 120_000 };

    await world.outside.produce(topics.orders, [
      { key: 'alice', value: { shares: 2 }, timestamp: 1_000 },
      { key: 'bob', value: { shares: 1 }, timestamp: 2_000 },
      { key: 'alice', value: { shares: 3 }, timestamp: 3_000 },
    ]);
    await eventually(() => expect(totals.map((r) => r.value)).toEqual([2, 1, 5]));
    await eventually(() => expect(latest(counts, { key: 'alice', window: window0 })).toBe(2));
    await first.close();
    await first.close(); // idempotent

    // A new instance: the open window and the running total go on from the changelogs, not from zero.
    const second = await startApp();
    await world.outside.produce(topics.orders, [
      { key: 'alice', value: { shares: 4 }, timestamp: 4_000 },
      { key: 'carol', value: { shares: 1 }, timestamp: 61_000 },
    ]);
    await eventually(() => expect(latest(totals, 'alice')).toBe(9));
    await eventually(() => expect(latest(counts, { key: 'alice', window: window0 })).toBe(3));
    await eventually(() => expect(latest(counts, { key: 'carol', window: window1 })).toBe(1));
    await second.close();

    // Stream time (61 s) survived too: a record of the closed first window is late on a third instance.
    const third = await startApp();
    const countsBefore = counts.length;
    await world.outside.produce(topics.orders, [
      { key: 'bob', value: { shares: 5 }, timestamp: 5_000 },
      { key: 'dave', value: { shares: 1 }, timestamp: 62_000 },
    ]);
    await eventually(() => expect(latest(counts, { key: 'dave', window: window1 })).toBe(1));
    expect(counts.slice(countsBefore).map((r) => (r.key as Windowed<string>).key)).toEqual(['dave']);
    expect(third.droppedRecords()).toBe(1);
    await eventually(() => expect(latest(totals, 'bob')).toBe(6));
  });

  it('creates the sink topics and compacted changelogs; close() is idempotent, even before start()', { timeout: 60_000 }, async () => {
    const id = randomUUID().slice(0, 8);
    const own = { orders: `orders-${id}`, counts: `order-counts-${id}`, totals: `totals-${id}` };
    const appId = `topics-app-${id}`;
    const unstarted = new KafkaStreams(ordersApp(own), { applicationId: appId, brokers });
    await unstarted.close();
    await unstarted.close();
    await expect(unstarted.start()).rejects.toThrow(/only be called once/);

    const app = new KafkaStreams(ordersApp(own), { applicationId: appId, brokers });
    world.started(app);
    await app.start();
    const topics = await world.admin.listTopics();
    const changelogs = ['running-totals', 'order-counts', STREAM_TIME_STORE].map((store) => `${appId}-${store}-changelog`);
    expect(topics).toEqual(expect.arrayContaining([...Object.values(own), ...changelogs]));
    const { resources } = await world.admin.describeConfigs({
      includeSynonyms: false,
      resources: changelogs.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
    });
    expect(resources.map((r) => r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue)).toEqual([
      'compact',
      'compact',
      'compact',
    ]);
    await app.close();
    await app.close();
  });

  it('logs and skips a record the topology throws on, then goes on', { timeout: 60_000 }, async () => {
    const id = randomUUID().slice(0, 8);
    const input = `prices-${id}`;
    const output = `checked-${id}`;
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>(input)
      .mapValues((price) => {
        if (price < 0) throw new Error(`negative price ${price}`);
        return price * 2;
      })
      .to(output);
    const { app, errors } = appLoggingErrors(builder.build(), `checker-${id}`);
    await app.start();
    const checked = await world.outside.watch(output);
    await world.outside.produce(input, [
      { key: 'GNOU', value: 1, timestamp: 1 },
      { key: 'GNOU', value: -1, timestamp: 2 },
      { key: 'GNOU', value: 3, timestamp: 3 },
    ]);
    await eventually(() => expect(checked.map((r) => r.value)).toEqual([2, 6]));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^${input}/0@1 skipped: negative price -1$`))]);
    await app.close();
  });

  it('sends a batch whose outputs outweigh the broker’s message.max.bytes (1 MiB) in requests it accepts', { timeout: 60_000 }, async () => {
    // A topic's history read in one batch — a live run catching up on an hour of prices — makes megabytes of outputs.
    const id = randomUUID().slice(0, 8);
    const input = `history-${id}`;
    const output = `fanned-${id}`;
    const builder = new StreamsBuilder();
    const FAN_OUT = 8;
    builder
      .stream<string, string>(input)
      .flatMapValues((text) => Array.from({ length: FAN_OUT }, (_, i) => `${i}:${text}`))
      .to(output);
    const { app, errors } = appLoggingErrors(builder.build(), `fanner-${id}`);
    // Written before the app starts, so that its first fetch takes them as one batch (kafkajs: up to 1 MiB a partition).
    const padding = 'x'.repeat(1000);
    const records = Array.from({ length: 600 }, (_, i) => ({ key: `k${i % 7}`, value: `${i}${padding}`, timestamp: 1 + i }));
    await createGameTopics(broker?.bootstrap ?? '', id, [{ name: input, partitions: 1 }]);
    await world.outside.produce(input, records);
    await app.start();
    const fanned = await world.outside.watch(output);
    await eventually(() => expect(fanned.length).toBe(records.length * FAN_OUT), 30_000);
    expect(errors).toEqual([]);
    await app.close();
  });

  it('a suppressed window opened before a restart is emitted once, complete, when the next instance closes it', { timeout: 60_000 }, async () => {
    const id = randomUUID().slice(0, 8);
    const input = `trades-${id}`;
    const output = `final-counts-${id}`;
    const finalCountsApp = () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, number>(input)
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
        .count()
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .to(output);
      return builder.build();
    };
    const config = { applicationId: `final-counts-${id}`, brokers };
    const first = new KafkaStreams(finalCountsApp(), config);
    world.started(first);
    await first.start();
    const finals = await world.outside.watch(output);
    await world.outside.produce(input, [
      { key: 'a', value: 1, timestamp: 1_000 },
      { key: 'a', value: 1, timestamp: 2_000 },
      { key: 'b', value: 1, timestamp: 3_000 },
    ]);
    // The buffer's changelog holds all three once the stream-time changelog says 3 s.
    await eventually(async () => {
      const [offsets] = await world.admin.fetchTopicOffsets(`${config.applicationId}-${STREAM_TIME_STORE}-changelog`);
      expect(Number(offsets.high)).toBe(3);
    });
    await first.close();
    expect(finals).toEqual([]);

    const second = new KafkaStreams(finalCountsApp(), config);
    world.started(second);
    await second.start();
    await world.outside.produce(input, [{ key: 'c', value: 1, timestamp: 61_000 }]);
    const window = { start: 0, end: 60_000 };
    await eventually(() =>
      expect(finals.map((r) => [r.key, r.value])).toEqual([
        [{ key: 'a', window }, 2],
        [{ key: 'b', window }, 1],
      ]),
    );
    await second.close();
  });
});
