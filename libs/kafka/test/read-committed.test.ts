/**
 * read_committed on both clients the project uses, on a real broker: no
 * message of an aborted transaction reaches the application, however the
 * aborted transactions lie. The broker lists a fetch's aborted transactions in
 * the order they were ABORTED, so transactions that overlap — two producers,
 * or a server's producer fenced while a newer one writes, exactly what a
 * SIGKILL and a restart leave on the changelogs — come out of first-offset
 * order. kafkajs 2.2.4 then let the older one through, and @platformatic/kafka
 * 2.12.1 let through all but the last aborted transaction of a producer in one
 * fetch and every one whose abort marker lay beyond the fetched bytes. Both
 * are patched (patches/, applied by patch-package on install) to the Java
 * consumer's rule; these tests fail without the patches.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ensureTopics, readToEnd, type Kafka } from '../src/index.js';
import { Consumer, MessagesStreamModes, type PlatformaticMessage } from '../src/platformatic.js';
import { bootstrap, noBroker, uniqueName, useKafka } from './support/kafka.js';

interface Sender {
  send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown>;
}

/** Writes the pattern and returns what a read_committed reader must see, in order. */
async function writeOverlappingTransactions(kafka: Kafka, topic: string): Promise<string[]> {
  const transactional = (name: string) => kafka.producer({ transactionalId: `${name}-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
  const [p1, p2, plain] = [transactional('rc-p1'), transactional('rc-p2'), kafka.producer()];
  await Promise.all([p1.connect(), p2.connect(), plain.connect()]);
  const send = (txn: Sender, value: string) => txn.send({ topic, messages: [{ key: value, value }] });
  try {
    // Two overlapping aborted transactions: p2's begins after p1's and is aborted first.
    const p1First = await p1.transaction();
    await send(p1First, 'p1 aborted, overlapped');
    const p2First = await p2.transaction();
    await send(p2First, 'p2 aborted, inside p1');
    await p2First.abort();
    await send(p1First, 'p1 aborted, after p2');
    await p1First.abort();
    // The same producer commits, then aborts again: two aborted transactions of one producer in one fetch.
    const p1Committed = await p1.transaction();
    await send(p1Committed, 'p1 committed');
    await p1Committed.commit();
    const p1Second = await p1.transaction();
    await send(p1Second, 'p1 aborted again');
    await p1Second.abort();
    await plain.send({ topic, messages: [{ value: 'plain 1' }] });
    // An aborted transaction larger than one fetch: its marker lies beyond the first fetch's bytes.
    const big = await p2.transaction();
    for (let i = 0; i < 12; i++) await send(big, `p2 big aborted ${i} ${'x'.repeat(1_000)}`);
    await big.abort();
    await plain.send({ topic, messages: [{ value: 'plain 2' }] });
    return ['p1 committed', 'plain 1', 'plain 2'];
  } finally {
    await Promise.all([p1.disconnect(), p2.disconnect(), plain.disconnect()]);
  }
}

describe.skipIf(noBroker)('read_committed skips every aborted transaction (real broker)', () => {
  const { kafka, admin } = useKafka();

  it('with kafkajs (readToEnd, the server restoring its changelogs)', async () => {
    const topic = uniqueName('rc-kafkajs');
    await ensureTopics(admin, [{ name: topic, partitions: 1 }]);
    const expected = await writeOverlappingTransactions(kafka, topic);
    const read = await readToEnd(kafka, admin, [topic], { timeoutMs: 20_000 });
    expect(read.map(({ message }) => String(message.value))).toEqual(expected);
  }, 60_000);

  it('with @platformatic/kafka (the task groups), a fetch smaller than the aborted transaction included', async () => {
    const topic = uniqueName('rc-platformatic');
    await ensureTopics(admin, [{ name: topic, partitions: 1 }]);
    const expected = await writeOverlappingTransactions(kafka, topic);
    const consumer = new Consumer({
      bootstrapBrokers: [bootstrap],
      clientId: 'rc-test',
      groupId: uniqueName('rc-group'),
      isolationLevel: 1,
      autocommit: false,
    });
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
        maxBytes: 3_000,
        maxWaitTime: 100,
      });
      const seen: string[] = [];
      stream.on('data', (message: PlatformaticMessage) => seen.push(String(message.value)));
      await expect.poll(() => seen.at(-1), { timeout: 20_000 }).toBe('plain 2');
      expect(seen).toEqual(expected);
      await stream.close();
    } finally {
      await consumer.close(true);
    }
  }, 60_000);
});
