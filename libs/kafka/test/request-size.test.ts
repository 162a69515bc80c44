/**
 * Produce requests the broker accepts: a burst far over the topic's
 * max.message.bytes (1 MiB) written in one macrotask — a thousand dead
 * letters from one batch of garbage — goes out whole, in several requests.
 */
import { describe, expect, it } from 'vitest';
import {
  createProducer,
  ensureTopics,
  groupedByTopic,
  inRequestSizedRuns,
  inTopicRequestRuns,
  MAX_BATCH_BYTES,
  readToEnd,
  recordBytes,
  SendingWriter,
} from '../src/index.js';
import { noBroker, uniqueName, useKafka } from './support/kafka.js';

describe('inRequestSizedRuns', () => {
  it('keeps the order, cuts before a run would pass the bound, and sends an item over it alone', () => {
    const sizes = [100, 100, 100, 250, 50, 400, 10];
    expect(
      inRequestSizedRuns(
        sizes,
        (n) => n,
        () => 'p',
        300,
      ),
    ).toEqual([[100, 100, 100], [250, 50], [400], [10]]);
    expect(
      inRequestSizedRuns(
        [],
        (n: number) => n,
        () => 'p',
        300,
      ),
    ).toEqual([]);
  });

  it('bounds each place (a partition) on its own: a run cuts when one place would pass the bound', () => {
    const items = [
      { place: 'a', size: 200 },
      { place: 'b', size: 200 },
      { place: 'a', size: 100 },
      { place: 'b', size: 200 },
      { place: 'a', size: 50 },
    ];
    const runs = inRequestSizedRuns(
      items,
      (i) => i.size,
      (i) => i.place,
      300,
    ).map((run) => run.map((i) => `${i.place}${i.size}`));
    expect(runs).toEqual([
      ['a200', 'b200', 'a100'],
      ['b200', 'a50'],
    ]);
  });

  it('counts a record’s key, value and headers, and a bound for the rest', () => {
    expect(recordBytes({ key: 'ab', value: Buffer.alloc(10), headers: { h: Buffer.from('xyz') } })).toBe(2 + 10 + (1 + 3 + 8) + 32);
    expect(recordBytes({ key: null, value: null })).toBe(32);
  });
});

describe('inTopicRequestRuns and groupedByTopic', () => {
  it('bound each topic on its own (the client picks the partition) and regroup a request per topic, in order', () => {
    const value = 'x'.repeat(MAX_BATCH_BYTES / 2);
    const records = [
      { topic: 'a', message: { key: 'k1', value } },
      { topic: 'b', message: { key: 'k2', value } },
      { topic: 'a', message: { key: 'k3', value: 'small' } },
      { topic: 'a', message: { key: 'k4', value } },
      { topic: 'b', message: { key: 'k5', value: 'small' } },
    ];
    const runs = inTopicRequestRuns(records);
    // Topic a passes the bound at its third record (two halves and a bit): the run is cut there, whatever b holds.
    expect(runs.map((run) => run.map((r) => r.message.key))).toEqual([
      ['k1', 'k2', 'k3'],
      ['k4', 'k5'],
    ]);
    expect(groupedByTopic(runs[0]).map(({ topic, messages }) => [topic, messages.map((m) => m.key)])).toEqual([
      ['a', ['k1', 'k3']],
      ['b', ['k2']],
    ]);
    expect(groupedByTopic([])).toEqual([]);
  });
});

describe.skipIf(noBroker)('SendingWriter on a real broker', () => {
  const { kafka, admin } = useKafka();

  it('writes 3 MB given in one macrotask to a one-partition topic that takes 1 MiB a batch', { timeout: 60_000 }, async () => {
    const topic = uniqueName('burst');
    await ensureTopics(admin, [{ name: topic, partitions: 1 }]);
    const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const failures: Error[] = [];
    const writer = new SendingWriter(producer, { error: () => undefined }, (err) => failures.push(err));
    try {
      const padding = 'x'.repeat(1000);
      const messages = Array.from({ length: 3000 }, (_, i) => ({ key: 'GNOU', value: `${i}:${padding}` }));
      // Over twice the broker's 1 MiB for a batch, all for one partition.
      expect(messages.reduce((sum, m) => sum + recordBytes(m), 0)).toBeGreaterThan(2 * 1024 * 1024);
      const writes = [writer.write(topic, messages.slice(0, 1500)), writer.write(topic, messages.slice(1500))];
      await Promise.all(writes);
      expect(await writer.whenSent()).toBe(true);
      expect(failures).toEqual([]);
      const read = await readToEnd(kafka, admin, [topic], { groupIdPrefix: uniqueName('burst-read') });
      expect(read.map(({ message }) => message.value?.toString())).toEqual(messages.map((m) => m.value));
    } finally {
      await writer.close();
      await producer.disconnect();
    }
  });
});
