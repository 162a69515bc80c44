/**
 * @platformatic/kafka through the project's door (src/platformatic.ts) on the
 * Node this suite runs on (CI: Node 20, which the client does not declare):
 * a consume → produce transaction with the consumer's offsets commits
 * atomically, an aborted one stays invisible, and the offsets carry the
 * group's generation (KIP-447), so a stale member's commit is refused;
 * several partitions' offsets go in one request (the project's patch, patches/).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ensureTopics, readToEnd } from '../src/index.js';
import { Admin, brokerErrorIds, Consumer, MessagesStreamModes, Producer, type PlatformaticMessage } from '../src/platformatic.js';
import { bootstrap, noBroker, uniqueName, useKafka } from './support/kafka.js';

describe('the @platformatic/kafka door', () => {
  it('gives the client what it needs of Node 22', () => {
    expect(typeof Promise.withResolvers).toBe('function');
    const { promise, resolve } = Promise.withResolvers<number>();
    resolve(7);
    return expect(promise).resolves.toBe(7);
  });
});

describe.skipIf(noBroker)('@platformatic/kafka transactions on a real broker', () => {
  const { kafka, admin } = useKafka();

  it('commits answers with the consumed offsets in one transaction; an aborted one stays invisible; a stale generation is refused', async () => {
    const [input, output, groupId] = [uniqueName('pk-in'), uniqueName('pk-out'), uniqueName('pk-group')];
    await ensureTopics(admin, [
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
    const writer = kafka.producer();
    await writer.connect();
    await writer.send({ topic: input, messages: ['a', 'b', 'c', 'd'].map((value, i) => ({ value, partition: i % 2 })) });
    await writer.disconnect();

    const client = { bootstrapBrokers: [bootstrap], clientId: 'pk-test', retryDelay: 20 };
    const producer = new Producer({ ...client, transactionalId: `pk-test-${randomUUID()}`, idempotent: true });
    const consumer = new Consumer({ ...client, groupId, isolationLevel: 1, autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const pkAdmin = new Admin(client);
    try {
      const stream = await consumer.consume({ topics: [input], mode: MessagesStreamModes.COMMITTED, fallbackMode: 'earliest', autocommit: false });
      const consumed: PlatformaticMessage[] = [];
      stream.on('data', (message: PlatformaticMessage) => consumed.push(message));
      await expect.poll(() => consumed.length, { timeout: 20_000 }).toBe(4);
      stream.pause();

      const answer = (m: PlatformaticMessage) => ({ topic: output, partition: m.partition, value: Buffer.from(`answer to ${m.value}`) });
      const lastOf = (partition: number) => consumed.filter((m) => m.partition === partition).at(-1) as PlatformaticMessage;

      const committed = await producer.beginTransaction();
      await committed.send({ messages: consumed.map(answer) });
      await committed.addConsumer(consumer);
      // Both partitions' offsets in one TxnOffsetCommit: the project's patch of the client (patches/).
      await committed.addOffset([lastOf(0), lastOf(1)]);
      await committed.commit();

      const aborted = await producer.beginTransaction();
      await aborted.send({ messages: [{ topic: output, partition: 0, value: Buffer.from('never seen') }] });
      await aborted.abort();

      const stale = await producer.beginTransaction();
      await stale.addConsumer(consumer);
      const last = lastOf(0);
      const consumerMeta = last.metadata.consumer as Record<string, unknown>;
      const fromOldGeneration = { ...last, metadata: { consumer: { ...consumerMeta, generationId: Number(consumerMeta.generationId) - 1 } } };
      const refused = await stale.addOffset(fromOldGeneration as PlatformaticMessage).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(brokerErrorIds(refused)).toEqual(['ILLEGAL_GENERATION']);
      await stale.abort();

      const answers = async () => (await readToEnd(kafka, admin, [output], { timeoutMs: 5_000 })).map(({ message }) => String(message.value)).sort();
      await expect.poll(answers, { timeout: 20_000 }).toEqual(['answer to a', 'answer to b', 'answer to c', 'answer to d']);
      const [offsets] = await pkAdmin.listConsumerGroupOffsets({
        groups: [{ groupId, topics: [{ name: input, partitionIndexes: [0, 1] }] }],
        requireStable: true,
      });
      expect(offsets.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset)])).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
    } finally {
      await consumer.close(true);
      await producer.close();
      await pkAdmin.close();
    }
  }, 60_000);
});
