import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  KafkaStreams,
  PunctuationType,
  silentLogger,
  Stores,
  StreamsBuilder,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import { eventually, useOutsideWorld } from './kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined after a loud banner when this machine cannot run one.
const broker = await brokerForTests();

/** Counts each key's records; every 200 ms of the machine's clock, reports the counts and empties its store. */
class CountAndReport implements Processor<string, number, string, number> {
  private counts!: KeyValueStore<string, number>;

  init(context: ProcessorContext<string, number>): void {
    const counts = context.getStateStore<string, number>('pending-counts');
    this.counts = counts;
    context.schedule(200, PunctuationType.WALL_CLOCK_TIME, (now) => {
      for (const { key, value } of [...counts.all()]) {
        context.forward({ key, value, timestamp: now });
        counts.delete(key);
      }
    });
  }

  process(record: StreamRecord<string, number>): void {
    this.counts.put(record.key, (this.counts.get(record.key) ?? 0) + 1);
  }
}

describe.skipIf(broker === undefined)('wall-clock punctuation in KafkaStreams on a real broker', () => {
  const run = randomUUID().slice(0, 8);
  const topics = { input: `punctuation-in-${run}`, reports: `punctuation-reports-${run}` };
  const world = useOutsideWorld(broker, []);

  it('fires on the machine’s clock with no new records, sends what it forwards and its store deletes to the changelog', {
    timeout: 60_000,
  }, async () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStore<string, number>('pending-counts'));
    builder
      .stream<string, number>(topics.input)
      .process(() => new CountAndReport(), 'pending-counts')
      .to(topics.reports);
    const applicationId = `punctuation-app-${run}`;
    const app = world.started(new KafkaStreams(builder.build(), { applicationId, brokers: [broker?.bootstrap ?? ''], logger: silentLogger }));
    await app.start();
    const reports = await world.outside.watch(topics.reports);
    const changelog = await world.outside.watch(`${applicationId}-pending-counts-changelog`);
    // Old record timestamps: stream time stays in 2001, so only the wall clock can make it report.
    await world.outside.produce(topics.input, [
      { key: 'alice', value: 1, timestamp: 1_000_000_000_000 },
      { key: 'alice', value: 1, timestamp: 1_000_000_000_001 },
      { key: 'bob', value: 1, timestamp: 1_000_000_000_002 },
    ]);
    const startedAt = Date.now();
    // One punctuation may report the three records, or two may split them: what counts is each trader's total.
    const totalOf = (key: string) => reports.filter((r) => r.key === key).reduce((sum, r) => sum + Number(r.value), 0);
    await eventually(() => expect({ alice: totalOf('alice'), bob: totalOf('bob') }).toEqual({ alice: 2, bob: 1 }));
    // Stamped with the wall clock at which the punctuation fired, not with the records' time.
    for (const report of reports) expect(report.timestamp).toBeGreaterThanOrEqual(startedAt - 1_000);
    // The store is emptied by the punctuator, and its changelog says so: each key's last entry is a tombstone.
    const lastOf = (key: string) => changelog.filter((r) => r.key === key).at(-1)?.value;
    await eventually(() => expect({ alice: lastOf('alice'), bob: lastOf('bob') }).toEqual({ alice: null, bob: null }));
  });
});
