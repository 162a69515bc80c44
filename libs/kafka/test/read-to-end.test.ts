import { describe, expect, it } from 'vitest';
import { createProducer, ensureTopics, readToEnd } from '../src/index.js';
import { noBroker, uniqueName, useKafka } from './support/kafka.js';

describe.skipIf(noBroker)('readToEnd on a real broker', () => {
  const { kafka, admin } = useKafka();

  const groupsStartingWith = async (prefix: string) => (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));

  it('returns every record of every partition, in order per partition, and leaves no group behind', async () => {
    const topic = uniqueName('read-plain');
    await ensureTopics(admin, [{ name: topic, partitions: 3 }]);
    // Idempotent: a plain producer's retry may write a message twice, and this test counts them.
    const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `trader-${i % 7}`, value: `message-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const groupIdPrefix = uniqueName('read-test');
    const records = (await readToEnd(kafka, admin, [topic], { groupIdPrefix })).map(({ partition, message }) => ({ partition, ...message }));

    expect(records.map((r) => r.value?.toString()).sort()).toEqual(sent.map((m) => m.value).sort());
    expect(new Set(records.map((r) => `${r.partition}@${r.offset}`)).size).toBe(sent.length);
    for (const key of new Set(sent.map((m) => m.key))) {
      const ofKey = records.filter((r) => r.key?.toString() === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      expect(ofKey.map((r) => r.value?.toString())).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
    // The throwaway group committed nothing and was deleted: nothing left to find.
    expect(await groupsStartingWith(groupIdPrefix)).toEqual([]);
  });

  it('reaches the end of a transactional topic, whose last offset is a commit marker', async () => {
    const topic = uniqueName('read-transactional');
    await ensureTopics(admin, [{ name: topic, partitions: 2 }]);
    const producer = createProducer(kafka, { transactionalId: uniqueName('read-test-writer'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const messages of [
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: '3' },
      ],
      [{ key: 'b', value: '4' }],
    ]) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages });
      await transaction.commit();
    }
    await producer.disconnect();

    // Each read must end, not wait for a message past the marker; the last transaction counts once its markers are written.
    const read = async () =>
      (await readToEnd(kafka, admin, [topic], { timeoutMs: 5_000 })).map(({ message }) => `${message.key}=${message.value}`).sort();
    await expect.poll(read, { timeout: 20_000 }).toEqual(['a=1', 'a=3', 'b=2', 'b=4']);
  });

  it('returns nothing, without a group, for empty topics', async () => {
    const topic = uniqueName('read-empty');
    await ensureTopics(admin, [{ name: topic, partitions: 2 }]);
    const groupIdPrefix = uniqueName('read-empty-test');
    expect(await readToEnd(kafka, admin, [topic], { groupIdPrefix })).toEqual([]);
    expect(await groupsStartingWith(groupIdPrefix)).toEqual([]);
  });
});
