import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKafkaClient, ensureTopics, waitForGroupJoin } from '../src/index.js';
import { bootstrap, noBroker, uniqueName, useKafka } from './support/kafka.js';

describe('waitForGroupJoin without a broker', () => {
  // kafka.consumer() connects nothing until connect(): a consumer that never runs never joins.
  const idleConsumer = () => createKafkaClient({ brokers: ['127.0.0.1:9'] }).consumer({ groupId: `idle-${randomUUID()}` });

  it('gives up after its timeout, naming the group', async () => {
    await expect(waitForGroupJoin(idleConsumer(), 'idle-group', { timeoutMs: 20 })).rejects.toThrow(
      'the consumer did not join the group idle-group within 20 ms',
    );
  });

  it('stops waiting when its signal aborts', async () => {
    const stop = new AbortController();
    const waiting = waitForGroupJoin(idleConsumer(), 'idle-group', { timeoutMs: 60_000, signal: stop.signal });
    stop.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe.skipIf(noBroker)('waitForGroupJoin on a real broker', () => {
  const { admin } = useKafka();

  it('resolves once the consumer joined: the group is stable, with the consumer as its member', async () => {
    const topic = uniqueName('join');
    await ensureTopics(admin, [{ name: topic, partitions: 2 }]);
    const groupId = uniqueName('join-test');
    const consumer = createKafkaClient({ clientId: 'join-test', brokers: [bootstrap] }).consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = waitForGroupJoin(consumer, groupId);
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]).toMatchObject({ groupId, state: 'Stable', members: [expect.objectContaining({ clientId: 'join-test' })] });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  });

  it('stops waiting (resolves, its timer cleared) when the consumer is disconnected before it joined (its run failed)', async () => {
    const consumer = createKafkaClient({ clientId: 'join-test', brokers: [bootstrap] }).consumer({ groupId: uniqueName('join-failed') });
    await consumer.connect();
    const waiting = waitForGroupJoin(consumer, 'join-failed', { timeoutMs: 60_000 });
    // What a caller whose run failed does: it disconnects the consumer, which never joined.
    await consumer.disconnect();
    await expect(waiting).resolves.toBeUndefined();
  });
});
