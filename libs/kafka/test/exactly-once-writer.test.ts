/**
 * ExactlyOnceWriter on a real broker: one member's transactions carry the
 * writes and consumed offsets of several owners (tasks) together; an owner
 * dropped before its transaction leaves nothing behind; and a member the
 * group no longer knows is fenced (KIP-447): its transaction aborts, the
 * owners it held are reported, and none of its writes becomes visible.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  brokerErrorIds,
  ExactlyOnceWriter,
  memberClients,
  memberProducer,
  settledTransactions,
  stableCommittedOffsets,
  stuckTransactions,
  TakeFailedError,
  type CommittedRecord,
} from '../src/exactly-once.js';
import { ensureTopics, readToEnd } from '../src/index.js';
import { bootstrap, noBroker, uniqueName, useKafka } from './support/kafka.js';

/** A member's client options as the server's task groups set them, with ids of their own. */
const memberOptions = (clientId: string, groupId: string) => ({
  brokers: [bootstrap],
  clientId,
  groupId,
  transactionalId: `${clientId}-${randomUUID()}`,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 10_000,
  maxWaitMs: 50,
});

describe.skipIf(noBroker)('ExactlyOnceWriter on a real broker', () => {
  const { kafka, admin } = useKafka();

  it('commits several tasks in one transaction, drops a dropped task, and is fenced once its member left the group', async () => {
    const [input, output, groupId] = [uniqueName('eo-in'), uniqueName('eo-out'), uniqueName('eo-group')];
    await ensureTopics(admin, [
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
    const clientOptions = memberOptions('eo-test', groupId);
    const { consumer, admin: pkAdmin } = memberClients(clientOptions);
    const producer = memberProducer(clientOptions);
    const failures: { error: Error; owners: number[] }[] = [];
    let member: typeof consumer | undefined = consumer;
    const writer = new ExactlyOnceWriter(producer, {
      groupMember: () => member,
      logger: { error: () => undefined },
      onFailure: (error, owners) => failures.push({ error, owners: [...owners].sort() }),
    });
    try {
      const stream = await consumer.consume({ topics: [input], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
      await expect.poll(() => consumer.assignments?.flatMap((a) => a.partitions).length ?? 0, { timeout: 20_000 }).toBe(2);

      // Tasks 0 and 1 in one transaction; task 1's second write dropped with it before the commit.
      const both = Promise.all([
        writer.write(0, output, [{ key: Buffer.from('a'), value: Buffer.from('from task 0'), partition: 0 }]),
        writer.write(1, output, [{ key: Buffer.from('b'), value: Buffer.from('from task 1'), partition: 1 }]),
      ]);
      writer.markConsumed(0, input, 0, 5n);
      writer.markConsumed(1, input, 1, 7n);
      await both;
      const dropped = writer.write(1, output, [{ key: Buffer.from('c'), value: Buffer.from('dropped'), partition: 1 }]);
      writer.markConsumed(1, input, 1, 9n);
      writer.drop(1, new Error('task 1 moved'));
      await expect(dropped).rejects.toThrow('task 1 moved');
      await writer.write(0, output, [{ key: Buffer.from('d'), value: Buffer.from('task 0 again'), partition: 0 }]);

      const committed = await stableCommittedOffsets(pkAdmin, groupId, [input], [0, 1], 10_000);
      expect(committed.get(input)).toEqual(
        new Map([
          [0, 5n],
          [1, 7n],
        ]),
      );

      // The member leaves the group; a transaction still carrying its identity (a zombie's) is refused by the broker.
      const identity = {
        groupId: consumer.groupId,
        memberId: consumer.memberId,
        generationId: consumer.generationId,
        coordinatorId: consumer.coordinatorId,
      };
      await stream.close();
      await consumer.close(true);
      member = identity as unknown as typeof consumer;
      const fenced = writer.write(0, output, [{ key: Buffer.from('z'), value: Buffer.from('zombie'), partition: 0 }]);
      writer.markConsumed(0, input, 0, 6n);
      await expect(fenced).rejects.toThrow();
      expect(failures.map((f) => f.owners)).toEqual([[0]]);
      expect(brokerErrorIds(failures[0].error)).toEqual(expect.arrayContaining([expect.stringMatching(/^(UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION)$/)]));
      member = undefined;

      const answers = async () => (await readToEnd(kafka, admin, [output], { timeoutMs: 5_000 })).map(({ message }) => String(message.value)).sort();
      await expect.poll(answers, { timeout: 20_000 }).toEqual(['from task 0', 'from task 1', 'task 0 again']);
      expect((await stableCommittedOffsets(pkAdmin, groupId, [input], [0], 10_000)).get(input)?.get(0)).toBe(5n);
    } finally {
      await writer.close().catch(() => undefined);
      await consumer.close(true).catch(() => undefined);
      await producer.close().catch(() => undefined);
      await pkAdmin.close().catch(() => undefined);
    }
  }, 60_000);

  it("fences the member's previous producer: a new one with the same transactional id aborts its open transaction", async () => {
    const output = uniqueName('eo-fence');
    await ensureTopics(admin, [{ name: output, partitions: 1 }]);
    const options = memberOptions('eo-fence', uniqueName('eo-fence-group'));
    const old = memberProducer(options);
    const successor = memberProducer(options);
    try {
      const open = await old.beginTransaction();
      await open.send({ messages: [{ topic: output, partition: 0, value: Buffer.from('left open') }] });
      const next = await successor.beginTransaction();
      await next.send({ messages: [{ topic: output, partition: 0, value: Buffer.from('from the successor') }] });
      await next.commit();
      const refused = await open.commit().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(brokerErrorIds(refused)).toContain('PRODUCER_FENCED');
      const read = async () => (await readToEnd(kafka, admin, [output], { timeoutMs: 5_000 })).map(({ message }) => String(message.value));
      await expect.poll(read, { timeout: 20_000 }).toEqual(['from the successor']);
    } finally {
      await old.close(true).catch(() => undefined);
      await successor.close().catch(() => undefined);
    }
  }, 60_000);

  /** A writer outside any group on two new one-partition topics (a changelog and its results), closed after `use`. */
  async function withChangelogWriter(
    name: string,
    use: (setup: {
      readonly writer: ExactlyOnceWriter;
      readonly changelog: string;
      readonly results: string;
      readonly failures: { readonly error: Error; readonly owners: number[] }[];
      readonly read: (topic: string) => Promise<string[]>;
    }) => Promise<void>,
  ): Promise<void> {
    const [changelog, results] = [uniqueName(`${name}-changelog`), uniqueName(`${name}-results`)];
    await ensureTopics(admin, [
      { name: changelog, partitions: 1 },
      { name: results, partitions: 1 },
    ]);
    const producer = memberProducer(memberOptions(name, uniqueName(`${name}-group`)));
    const failures: { readonly error: Error; readonly owners: number[] }[] = [];
    const writer = new ExactlyOnceWriter(producer, {
      groupMember: () => undefined,
      logger: { error: () => undefined },
      onFailure: (error, owners) => failures.push({ error, owners: [...owners] }),
    });
    const read = async (topic: string) =>
      (await readToEnd(kafka, admin, [topic], { timeoutMs: 5_000 })).map(({ message: m }) => `${m.key}=${m.value}`);
    try {
      await use({ writer, changelog, results, failures, read });
    } finally {
      await writer.close().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
  }

  const message = (key: string, value: string) => ({ key: Buffer.from(key), value: Buffer.from(value), partition: 0 });
  const outcome = (written: Promise<void>) =>
    written.then(
      () => 'written',
      (err: Error) => err.message,
    );

  it('takes what writeAtCommit hands over when its transaction starts, not when called; never from an owner dropped before; nothing once closed', async () => {
    await withChangelogWriter('eo-at-commit', async ({ writer, changelog, results, read }) => {
      const takes: number[] = [];
      const written = [
        writer.write(0, results, [message('alice', 'r1')]),
        writer.writeAtCommit(0, changelog, () => {
          takes.push(0);
          return [message('alice', `a${takes.length}`)];
        }),
      ];
      const dropped = outcome(
        writer.writeAtCommit(1, changelog, () => {
          takes.push(1);
          return [message('bob', 'b1')];
        }),
      );
      writer.drop(1, new Error('task 1 was lost'));
      expect(takes).toEqual([]);
      await Promise.all(written);
      expect(await dropped).toBe('task 1 was lost');
      expect(takes).toEqual([0]);
      await expect.poll(() => read(changelog), { timeout: 20_000 }).toEqual(['alice=a1']);
      expect(await read(results)).toEqual(['alice=r1']);
      await writer.close();
      expect(await outcome(writer.writeAtCommit(0, changelog, () => [message('alice', 'late')]))).toBe('the exactly-once writer is closed');
    });
  }, 60_000);

  it('fails the transaction whose writeAtCommit cannot be taken: nothing of it is written, its waiters reject, its owners are reported', async () => {
    await withChangelogWriter('eo-take-fails', async ({ writer, changelog, results, failures, read }) => {
      const answer = outcome(writer.write(0, results, [message('carol', 'r1')]));
      const state = outcome(
        writer.writeAtCommit(0, changelog, () => {
          throw new Error('the state cannot be encoded');
        }),
      );
      const refusal = 'the writes at commit of owner 0 could not be made: the state cannot be encoded';
      expect(await Promise.all([answer, state])).toEqual([refusal, refusal]);
      // Told apart from the broker's failures: the server's own, its tasks restore rather than the broker being given up.
      expect(failures.map(({ error, owners }) => [error instanceof TakeFailedError, owners])).toEqual([[true, [0]]]);
      // The writer goes on: the next transaction is written, and only it.
      await writer.write(0, results, [message('carol', 'r2')]);
      await expect.poll(() => read(results), { timeout: 20_000 }).toEqual(['carol=r2']);
      expect(await read(changelog)).toEqual([]);
    });
  }, 60_000);

  it('commits a transaction of several MiB to one partition, in order: its records are sent in chunks under message.max.bytes, and reported where they went', async () => {
    const [output, groupId] = [uniqueName('eo-large'), uniqueName('eo-large-group')];
    await ensureTopics(admin, [{ name: output, partitions: 1 }]);
    const options = memberOptions('eo-large', groupId);
    const producer = memberProducer(options);
    const errors: string[] = [];
    const reported: CommittedRecord[][] = [];
    const writer = new ExactlyOnceWriter(producer, {
      groupMember: () => undefined,
      logger: { error: (line) => errors.push(line) },
      onFailure: () => undefined,
      onCommitted: (records) => reported.push([...records]),
    });
    try {
      // 12,000 answers of ~300 bytes for one partition (~3.6 MB): what a backlog of orders answers in one transaction.
      const padding = 'x'.repeat(280);
      const records = Array.from({ length: 12_000 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${i}:${padding}`), partition: 0 }));
      expect(records.reduce((sum, r) => sum + r.value.length, 0)).toBeGreaterThan(3 * 1024 * 1024);
      await writer.write(0, output, records);
      expect(errors).toEqual([]);
      // The commit's markers reach the partition a moment after EndTxn returns: poll until the records are stable.
      const read = async () =>
        (await readToEnd(kafka, admin, [output], { timeoutMs: 10_000 })).map(({ message }) => Number(String(message.value).split(':')[0]));
      await expect.poll(read, { timeout: 20_000 }).toEqual(records.map((_, i) => i));
      // Every record reported at the offset it was read at, across the chunks, with the timestamp it carries.
      const stored = await readToEnd(kafka, admin, [output], { timeoutMs: 10_000 });
      expect(reported).toHaveLength(1);
      const place = (partition: number, offset: bigint | string, value: Buffer | null) => `${partition}@${offset} ${String(value).split(':')[0]}`;
      expect(reported[0].map((r) => place(r.partition, r.offset, r.value))).toEqual(
        stored.map(({ partition, message }) => place(partition, message.offset, message.value)),
      );
      expect(new Set(reported[0].map((r) => r.owner))).toEqual(new Set([0]));
      expect(reported[0].map((r) => String(r.timestamp))).toEqual(stored.map(({ message }) => message.timestamp));
      // A record the client places itself (no partition): the writer does not know where it went, and reports none of its transaction.
      await writer.write(0, output, [{ key: Buffer.from('k'), value: Buffer.from('placed by the client') }]);
      expect(reported).toHaveLength(1);
    } finally {
      await writer.close().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
  }, 60_000);
  it('ends a hanging transaction with no record of its own: aborted, the partitions settle, and writing goes on', async () => {
    const [changelog, groupId] = [uniqueName('eo-hang'), uniqueName('eo-hang-group')];
    await ensureTopics(admin, [{ name: changelog, partitions: 2, config: { 'cleanup.policy': 'compact' } }]);
    const clientOptions = memberOptions('eo-abort', groupId);
    const { admin: pkAdmin } = memberClients(clientOptions);
    const producer = memberProducer(clientOptions);
    const writer = new ExactlyOnceWriter(producer, { groupMember: () => undefined, logger: { error: () => undefined }, onFailure: () => undefined });
    try {
      const hanging = [0, 1].map((partition) => ({ topic: changelog, partition, since: 0n }));
      // Nothing of this writer was acknowledged there: aborted, with the group's offsets.
      expect(await writer.endHanging(hanging, groupId)).toEqual({ committed: [], aborted: hanging, groupOffsets: 'aborted' });
      expect(await settledTransactions(pkAdmin, [changelog], [0, 1], 5_000)).toEqual([]);
      expect(await stableCommittedOffsets(pkAdmin, groupId, [changelog], [0, 1], 5_000)).toEqual(new Map([[changelog, new Map()]]));
      // Only the abort markers were written (they land after the answer): the high watermarks move by one.
      await vi.waitFor(async () => expect((await admin.fetchTopicOffsets(changelog)).map((e) => Number(e.high))).toEqual([1, 1]), { timeout: 5_000 });
      await writer.write(0, changelog, [{ key: Buffer.from('trader'), value: Buffer.from('state'), partition: 0 }]);
      // The commit's marker follows its answer: read once it landed.
      expect(await settledTransactions(pkAdmin, [changelog], [0, 1], 5_000)).toEqual([]);
      const read = await readToEnd(kafka, admin, [changelog], { timeoutMs: 10_000 });
      expect(read.map((m) => `${m.partition}:${m.message.key?.toString()}=${m.message.value?.toString()}`)).toEqual(['0:trader=state']);
    } finally {
      await writer.close().catch(() => undefined);
      await producer.close().catch(() => undefined);
      await pkAdmin.close().catch(() => undefined);
    }
  }, 60_000);
  it('commits what hangs where its last acknowledged transaction began (the broker lost that commit), aborts elsewhere', async () => {
    const topic = uniqueName('eo-lost-commit');
    await ensureTopics(admin, [{ name: topic, partitions: 2 }]);
    const clientOptions = memberOptions('eo-lost', uniqueName('eo-lost-group'));
    const { admin: pkAdmin } = memberClients(clientOptions);
    const producer = memberProducer(clientOptions);
    const writer = new ExactlyOnceWriter(producer, { groupMember: () => undefined, logger: { error: () => undefined }, onFailure: () => undefined });
    const highs = async () => (await admin.fetchTopicOffsets(topic)).sort((x, y) => x.partition - y.partition).map((e) => Number(e.high));
    try {
      await writer.write(0, topic, [{ key: Buffer.from('a'), value: Buffer.from('first'), partition: 0 }]);
      // Partition 0: the record at 0 and its commit marker at 1 (markers land after the answer).
      await vi.waitFor(async () => expect(await highs()).toEqual([2, 0]), { timeout: 5_000 });
      const lost = { topic, partition: 0, since: 0n };
      const other = { topic, partition: 1, since: 0n };
      // As a broker that lost this commit shows it: undecided from offset 0 on partition 0.
      expect(await writer.endHanging([lost, other])).toEqual({ committed: [lost], aborted: [other], groupOffsets: 'untouched' });
      // A commit marker there and an abort marker on 1, no record of their own.
      await vi.waitFor(async () => expect(await highs()).toEqual([3, 1]), { timeout: 5_000 });
      expect(await settledTransactions(pkAdmin, [topic], [0, 1], 5_000)).toEqual([]);
      // A later transaction on partition 0 is the acknowledged one now: what hangs from 0 is no longer known to be committed.
      await writer.write(0, topic, [{ key: Buffer.from('a'), value: Buffer.from('second'), partition: 0 }]);
      expect(await writer.endHanging([lost])).toEqual({ committed: [], aborted: [lost], groupOffsets: 'untouched' });
      const read = await readToEnd(kafka, admin, [topic], { timeoutMs: 10_000 });
      expect(read.map((m) => `${m.partition}:${m.message.value?.toString()}`)).toEqual(['0:first', '0:second']);
    } finally {
      await writer.close().catch(() => undefined);
      await producer.close().catch(() => undefined);
      await pkAdmin.close().catch(() => undefined);
    }
  }, 60_000);
  it('finds the partitions where a transaction stays undecided, and answers at once when none is', async () => {
    const topic = uniqueName('eo-stuck');
    await ensureTopics(admin, [{ name: topic, partitions: 3 }]);
    const clientOptions = memberOptions('eo-stuck', uniqueName('eo-stuck-group'));
    const { admin: pkAdmin } = memberClients(clientOptions);
    const producer = memberProducer(clientOptions);
    try {
      const started = Date.now();
      expect(await stuckTransactions(pkAdmin, [topic], 2_000)).toEqual([]);
      expect(Date.now() - started, 'nothing undecided: no waiting').toBeLessThan(1_500);
      const open = await producer.beginTransaction();
      await open.send({ messages: [{ topic, partition: 1, key: Buffer.from('k'), value: Buffer.from('undecided') }] });
      expect(await stuckTransactions(pkAdmin, [topic], 300)).toEqual([{ topic, partition: 1, since: 0n }]);
      await open.abort();
      expect(await settledTransactions(pkAdmin, [topic], [0, 1, 2], 5_000)).toEqual([]);
      expect(await stuckTransactions(pkAdmin, [topic], 300)).toEqual([]);
    } finally {
      await producer.close().catch(() => undefined);
      await pkAdmin.close().catch(() => undefined);
    }
  }, 60_000);
});
