import { describe, expect, it } from 'vitest';
import { createProducer, ensureTopics, readToEnd, TransactionalWriter } from '../src/index.js';
import { noBroker, uniqueName, useKafka } from './support/kafka.js';

describe.skipIf(noBroker)('TransactionalWriter on a real broker', () => {
  const { kafka, admin } = useKafka();

  it('commits messages with the consumed offsets, transaction after transaction', async () => {
    const topic = uniqueName('writer-out');
    const input = uniqueName('writer-in');
    await ensureTopics(admin, [
      { name: topic, partitions: 2 },
      { name: input, partitions: 1 },
    ]);
    const groupId = uniqueName('writer-group');
    const producer = createProducer(kafka, { transactionalId: uniqueName('writer-test'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const failures: Error[] = [];
    const writer = new TransactionalWriter(producer, { error: () => undefined }, (error) => failures.push(error));
    try {
      // Back to back, each with offsets: under load the broker answers CONCURRENT_TRANSACTIONS meanwhile (retried).
      for (let offset = 1; offset <= 5; offset++) {
        writer.markConsumed(groupId, input, 0, String(offset));
        await writer.write(topic, [{ key: `k${offset}`, value: `v${offset}` }]);
      }
    } finally {
      await writer.close();
      await producer.disconnect();
    }
    expect(failures).toEqual([]);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(committed.partitions).toEqual([{ partition: 0, offset: '5', metadata: null }]);
    // The last commit counts once the broker has written its markers, a moment after commit() returned.
    const read = async () => (await readToEnd(kafka, admin, [topic], { timeoutMs: 5_000 })).map(({ message }) => String(message.value)).sort();
    await expect.poll(read, { timeout: 20_000 }).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  });

  it('refuses writes once closed', async () => {
    const producer = createProducer(kafka, { transactionalId: uniqueName('writer-closed'), idempotent: true, maxInFlightRequests: 1 });
    const writer = new TransactionalWriter(producer, { error: () => undefined }, () => undefined);
    await writer.close();
    await expect(writer.write('anything', [{ value: 'late' }])).rejects.toThrow('closed');
  });
});
