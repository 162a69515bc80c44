/**
 * Task groups (subscribeTasks): Kafka Streams' tasks, exactly_once_v2 on
 * Kafka (one transactional producer per member, offsets fenced by the group
 * generation; the fencing itself is libs/kafka's exactly-once-writer test),
 * every task on the one member of the embedded bus. On both buses: a task is assigned before any of its messages
 * is handed over, what its handler publishes commits with its offset, and an
 * explicit partition is honoured. On Kafka: members of one group share the
 * tasks co-partitioned, a task that moves is fenced on its old owner, and its
 * new owner starts from exactly what the old one committed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '@banana-market/kafka';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { KafkaBus } from '../../src/bus/kafka-bus.js';
import { TaskLostError, type BusMessage, type MessageBus, type TaskContext, type TaskGroupOptions } from '../../src/bus/message-bus.js';
import { RecordCache } from '../../src/state/record-cache.js';
import { BUS_KINDS, busEnvironment, eventually, type BusEnvironment } from '../support/buses.js';

const spec = (name: string, partitions: number) => ({ name, partitions, config: {} });
const unique = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
const textOf = (m: BusMessage) => String(m.value);

/** What a group member saw, in order. */
interface Seen {
  readonly events: string[];
  readonly contexts: Map<number, TaskContext>;
  readonly assigned: Set<number>;
  readonly revoked: number[];
  readonly handled: BusMessage[];
}

function recorder(): Seen {
  return { events: [], contexts: new Map(), assigned: new Set(), revoked: [], handled: [] };
}

/** A group whose handler echoes each message to `output` (same partition) through its task. */
function echoGroup(
  seen: Seen,
  groupId: string,
  topics: readonly string[],
  output: string,
  onAssigned?: (tasks: readonly TaskContext[]) => Promise<void>,
): TaskGroupOptions {
  return {
    groupId,
    topics,
    onAssigned: async (tasks) => {
      seen.events.push(`assigned ${tasks.map((t) => t.partition).join(',')}`);
      for (const task of tasks) {
        seen.contexts.set(task.partition, task);
        seen.assigned.add(task.partition);
      }
      await onAssigned?.(tasks);
    },
    onRevoked: (partitions) => {
      seen.events.push(`revoked ${partitions.join(',')}`);
      seen.revoked.push(...partitions);
      for (const p of partitions) seen.assigned.delete(p);
    },
    onMessage: (message, task) => {
      expect(task.partition).toBe(message.partition);
      seen.events.push(`message ${message.topic}/${message.partition}`);
      seen.handled.push(message);
      void task.publish(output, [{ key: message.key, value: `echo ${textOf(message)}`, partition: message.partition }]).catch(() => undefined);
    },
  };
}

describe.each(BUS_KINDS)('task groups on the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let dataDir = '';
  const opened: MessageBus[] = [];

  beforeAll(async () => {
    env = await busEnvironment(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'task-groups-'));
  }, 180_000);

  afterAll(async () => {
    for (const bus of opened.splice(0)) await bus.close().catch(() => undefined);
    await env?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** A bus on the same log as the others of this test (a durable embedded bus on one directory: one open at a time). */
  async function openBus(): Promise<MessageBus> {
    const bus = kind === 'embedded' ? new EmbeddedBus({ dataDir }) : await KafkaBus.connect({ brokers: env!.brokers!, heartbeatMs: 0 });
    opened.push(bus);
    return bus;
  }

  async function closeBus(bus: MessageBus): Promise<void> {
    opened.splice(opened.indexOf(bus), 1);
    await bus.close();
  }

  const skipUnlessAvailable = (ctx: { skip: (note?: string) => void }) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
  };

  it('assigns every task (onAssigned) before any of its messages is handed over', async (ctx) => {
    skipUnlessAvailable(ctx);
    const bus = await openBus();
    const [a, b, out] = [unique('in-a'), unique('in-b'), unique('out')];
    await bus.ensureTopics([spec(a, 4), spec(b, 4), spec(out, 4)]);
    // Waiting before the group's first member: read from the oldest message.
    await bus.publish(
      a,
      [0, 1, 2, 3].map((p) => ({ key: null, value: `a${p}`, partition: p })),
    );
    await bus.publish(
      b,
      [0, 1, 2, 3].map((p) => ({ key: null, value: `b${p}`, partition: p })),
    );
    const seen = recorder();
    const group = echoGroup(seen, unique('assign-first'), [a, b], out, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // a slow restore: messages must wait for it
    });
    const subscription = await bus.subscribeTasks(group);
    expect(seen.events[0]).toBe('assigned 0,1,2,3');
    await eventually(() => expect(seen.handled).toHaveLength(8));
    expect(seen.events.slice(1).every((e) => e.startsWith('message'))).toBe(true);
    expect(new Set(seen.handled.map((m) => `${m.topic}/${m.partition}/${textOf(m)}`))).toEqual(
      new Set([0, 1, 2, 3].flatMap((p) => [`${a}/${p}/a${p}`, `${b}/${p}/b${p}`])),
    );
    expect((await bus.taskStatus()).map((s) => s.partition)).toEqual([0, 1, 2, 3]);
    await eventually(async () => expect((await bus.taskStatus()).map((s) => s.lag)).toEqual([0, 0, 0, 0]));
    await subscription.close();
    expect(seen.events.at(-1)).toBe('revoked 0,1,2,3');
    expect(await bus.taskStatus()).toEqual([]);
    await closeBus(bus);
  }, 90_000);

  it('commits what a task publishes with the offsets it consumed: a restart neither repeats nor loses a message', async (ctx) => {
    skipUnlessAvailable(ctx);
    const [input, out] = [unique('in'), unique('out')];
    const groupId = unique('atomic');
    let bus = await openBus();
    await bus.ensureTopics([spec(input, 3), spec(out, 3)]);
    const first = recorder();
    let subscription = await bus.subscribeTasks(echoGroup(first, groupId, [input], out));
    await bus.publish(
      input,
      Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })),
    );
    await eventually(() => expect(first.handled).toHaveLength(12));
    await subscription.close();
    await closeBus(bus);

    bus = await openBus();
    await bus.publish(input, [{ key: 'k-late', value: 'late' }]);
    const second = recorder();
    subscription = await bus.subscribeTasks(echoGroup(second, groupId, [input], out));
    await eventually(() => expect(second.handled.map(textOf)).toEqual(['late']));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.handled.map(textOf)).toEqual(['late']);
    // Every echo once, in the input's partition.
    await eventually(async () => {
      const echoes = await bus.readTopic(out);
      expect(echoes.map(textOf).sort()).toEqual([...Array.from({ length: 12 }, (_, i) => `echo m${i}`), 'echo late'].sort());
    });
    const inputs = await bus.readTopic(input);
    for (const echo of await bus.readTopic(out)) {
      expect(inputs.find((m) => `echo ${textOf(m)}` === textOf(echo))?.partition).toBe(echo.partition);
    }
    await subscription.close();
    await closeBus(bus);
  }, 90_000);

  it('puts a message in the partition it names, whatever its key, and reads partitions alone', async (ctx) => {
    skipUnlessAvailable(ctx);
    const bus = await openBus();
    const topic = unique('explicit');
    await bus.ensureTopics([spec(topic, 8)]);
    await bus.publish(
      topic,
      [0, 1, 2, 3, 4, 5, 6, 7].map((p) => ({ key: 'one key', value: `v${p}`, partition: p })),
    );
    await eventually(async () => expect(await bus.readTopic(topic)).toHaveLength(8));
    for (const p of [0, 5, 7]) {
      const only = await bus.readTopic(topic, { partitions: [p] });
      expect(only.map((m) => [m.partition, textOf(m)])).toEqual([[p, `v${p}`]]);
    }
    expect((await bus.readTopic(topic, { partitions: [2, 3] })).map(textOf).sort()).toEqual(['v2', 'v3']);
    await closeBus(bus);
  }, 60_000);

  it('writes what a task caches per key (publishAtCommit) in its transaction: only the latest of a key, taken then', async (ctx) => {
    skipUnlessAvailable(ctx);
    const bus = await openBus();
    const [input, changelog] = [unique('in'), unique('cached')];
    await bus.ensureTopics([spec(input, 1), { name: changelog, partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    const handled: string[] = [];
    /** Per take (one a transaction), the entries taken from the cache. */
    const taken: string[][] = [];
    /** How many takes had run when each message's sets were made. */
    const takesAtSet: number[] = [];
    let cache: RecordCache<string, string> | undefined;
    const subscription = await bus.subscribeTasks({
      ...echoGroup(recorder(), unique('cached'), [input], changelog),
      // A message is several sets, made in one handler call: they are in one transaction whatever the bus.
      onMessage: (message, task) => {
        if (task.publishAtCommit === undefined) throw new Error('a transactional bus defers to the commit');
        cache ??= new RecordCache(task.publishAtCommit, changelog, (entries) => {
          taken.push(entries.map(({ key, value }) => `${key}=${value}`));
          return entries.map(({ key, value }) => ({ key, value, partition: 0 }));
        });
        const before = taken.length;
        for (const set of textOf(message).split(' ')) {
          const [key, value] = set.split('=');
          void cache.set(key, key, value).catch(() => undefined);
        }
        takesAtSet.push(taken.length - before);
        handled.push(textOf(message));
      },
    });
    const messages = ['a=1 a=2 b=1', 'a=3 c=1 c=2', 'b=2'];
    await bus.publish(
      input,
      messages.map((value) => ({ key: null, value, partition: 0 })),
    );
    await eventually(() => expect(handled).toEqual(messages));
    await eventually(async () =>
      expect((await bus.readTopic(changelog)).map((m) => `${m.key}=${textOf(m)}`)).toEqual(expect.arrayContaining(['a=3', 'b=2', 'c=2'])),
    );
    expect(takesAtSet, 'nothing is taken while a handler sets').toEqual([0, 0, 0]);
    const written = (await bus.readTopic(changelog)).map((m) => `${m.key}=${textOf(m)}`);
    // What was taken is what the topic holds, in order (nothing compacted yet); a value a later set of its transaction replaced never.
    expect(written).toEqual(taken.flat());
    for (const superseded of ['a=1', 'a=2', 'c=1']) expect(written).not.toContain(superseded);
    await subscription.close();
    await closeBus(bus);
  }, 60_000);

  // The bus-specific tests are declared for their bus only: a skip in this file then always means a missing broker.
  if (kind === 'embedded')
    it('refuses a second member of a group on the embedded bus', async (ctx) => {
      skipUnlessAvailable(ctx);
      const bus = await openBus();
      const topic = unique('single');
      await bus.ensureTopics([spec(topic, 2)]);
      const groupId = unique('single');
      const subscription = await bus.subscribeTasks(echoGroup(recorder(), groupId, [topic], topic));
      await expect(bus.subscribeTasks(echoGroup(recorder(), groupId, [topic], topic))).rejects.toThrow(/one consumer per group/);
      await subscription.close();
      await closeBus(bus);
    });

  if (kind === 'kafka')
    it('hands a task over only once no transaction is undecided on the changelog it restores from', async (ctx) => {
      skipUnlessAvailable(ctx);
      const bus = await openBus();
      // A one-partition changelog (as game-changelog) shared by both tasks of a two-partition topic.
      const [input, changelog] = [unique('in'), unique('restore-from')];
      await bus.ensureTopics([spec(input, 2), spec(changelog, 1)]);
      // The previous owner's transaction: its record is on the changelog, its end not decided yet.
      const kafka = createKafkaClient({ brokers: env!.brokers!, clientId: unique('previous-owner') });
      const previous = kafka.producer({ transactionalId: unique('previous-owner'), idempotent: true, maxInFlightRequests: 1 });
      await previous.connect();
      const open = await previous.transaction();
      await open.send({ topic: changelog, messages: [{ key: 'market', value: 'the last record' }] });
      const seen = recorder();
      const subscribing = bus.subscribeTasks({ ...echoGroup(seen, unique('settle'), [input], input), restoreTopics: [changelog] });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen.events, 'no task is taken while its changelog has an undecided transaction').toEqual([]);
      const decidedAt = Date.now();
      await open.commit();
      const subscription = await subscribing;
      expect(seen.events[0]).toBe('assigned 0,1');
      console.log(`tasks taken ${Date.now() - decidedAt} ms after the transaction was decided`);
      await previous.disconnect();
      await subscription.close();
      await closeBus(bus);
    }, 90_000);

  if (kind === 'kafka')
    it('hands a read model what its tasks commit from the commits, each record once and in order, and fetches what anyone else writes', async (ctx) => {
      skipUnlessAvailable(ctx);
      const bus = (await openBus()) as KafkaBus;
      const [input, out] = [unique('orders'), unique('answers')];
      await bus.ensureTopics([spec(input, 8), spec(out, 8)]);
      const tasks = await bus.subscribeTasks(echoGroup(recorder(), unique('answering'), [input], out));
      const groupId = unique('read-model');
      const read: BusMessage[] = [];
      const watcher = await bus.subscribe({
        groupId,
        topics: [out],
        fromBeginning: true,
        commitOffsets: false,
        ownWritesFromCommits: true,
        onMessage: (message) => void read.push(message),
      });
      /** What the read model was handed is what the topic holds: every record once, in offset order per partition. */
      const readMatchesTopic = async () => {
        const held = await bus.readTopic(out);
        const place = (m: BusMessage) => `${m.partition}@${m.offset} ${textOf(m)}`;
        for (let p = 0; p < 8; p += 1) {
          expect(read.filter((m) => m.partition === p).map(place)).toEqual(held.filter((m) => m.partition === p).map(place));
        }
      };
      let sent = 0;
      const send = async (count: number) => {
        const batch = Array.from({ length: count }, (_, i) => ({ key: null, value: `m${sent + i}`, partition: (sent + i) % 8 }));
        sent += count;
        await bus.publish(input, batch);
        await eventually(() => expect(read.filter((m) => textOf(m).startsWith('echo'))).toHaveLength(sent));
      };
      // The consumer hands over the first answers (where it stands is unknown until then), the commits the rest.
      for (let round = 0; round < 10; round += 1) await send(40);
      await readMatchesTopic();
      const counts = () => bus.readBackCounts().get(groupId);
      expect(counts()?.fromCommits).toBeGreaterThan(200);
      await eventually(() => expect(counts()?.paused).toHaveLength(8));

      // Somebody else writes to a paused partition: the check of the paused partitions finds it and fetches it.
      await bus.publish(out, [{ key: null, value: 'foreign 3', partition: 3 }]);
      await eventually(() => expect(read.map(textOf)).toContain('foreign 3'), 10_000);
      await send(40);
      await readMatchesTopic();
      // Caught up again: its own answers come from the commits, the partition is not fetched.
      await eventually(() => expect(counts()?.paused).toContain(`${out}/3`));

      // The tasks leave: every partition is fetched again, from where the commits stopped.
      await tasks.close();
      expect(counts()?.paused).toEqual([]);
      await bus.publish(out, [{ key: null, value: 'foreign 5', partition: 5 }]);
      await eventually(() => expect(read.map(textOf)).toContain('foreign 5'));
      await readMatchesTopic();
      expect(new Set(read.map((m) => `${m.partition}@${m.offset}`)).size).toBe(read.length);
      await watcher.close();
      await closeBus(bus);
    }, 90_000);

  if (kind === 'kafka')
    describe('several servers in one group (Kafka)', () => {
      it('splits 8 tasks 4/4 co-partitioned over 3 topics, fences the moved tasks on their old owner, and hands their state over exactly', async (ctx) => {
        skipUnlessAvailable(ctx);
        const [orders, states, results] = [unique('orders'), unique('states'), unique('results')];
        const topics = [orders, states, results];
        const changelog = unique('changelog');
        const groupId = unique('pair');
        const busA = await openBus();
        await busA.ensureTopics([...topics, changelog].map((t) => spec(t, 8)));
        const seenA = recorder();
        await busA.subscribeTasks(echoGroup(seenA, groupId, topics, changelog));
        expect([...seenA.assigned].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        await busA.publish(
          orders,
          Array.from({ length: 16 }, (_, i) => ({ key: null, value: `before-${i}`, partition: i % 8 })),
        );
        await eventually(() => expect(seenA.handled).toHaveLength(16));

        const busB = await openBus();
        const seenB = recorder();
        /** What B's onAssigned found in the changelog: everything A committed for those tasks. */
        const restoredByB = new Map<number, string[]>();
        const joinStarted = Date.now();
        await busB.subscribeTasks(
          echoGroup(seenB, groupId, topics, changelog, async (tasks) => {
            for (const task of tasks) {
              restoredByB.set(task.partition, (await busB.readTopic(changelog, { partitions: [task.partition] })).map(textOf).sort());
            }
          }),
        );
        const joinMs = Date.now() - joinStarted;
        await eventually(() => expect(seenA.assigned.size).toBe(4), 30_000);
        console.log(`B joined and took its tasks in ${joinMs} ms (rebalance, producers initialised, onAssigned)`);
        const tasksA = [...seenA.assigned].sort();
        const tasksB = [...seenB.assigned].sort();
        expect(tasksB).toHaveLength(4);
        expect([...tasksA, ...tasksB].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(seenA.revoked.sort()).toEqual(tasksB);
        // Co-partitioned: each holds partition p of every topic.
        const statusA = await busA.taskStatus();
        const statusB = await busB.taskStatus();
        expect(statusA.map((s) => s.partition)).toEqual(tasksA);
        expect(statusB.map((s) => s.partition)).toEqual(tasksB);
        expect(statusB.every((s) => s.groupId === groupId)).toBe(true);
        // B restored exactly what A committed for its tasks: two echoes per task.
        for (const p of tasksB) expect(restoredByB.get(p)).toEqual([`echo before-${p}`, `echo before-${p + 8}`].sort());
        // A's contexts of the moved tasks are dead.
        for (const p of tasksB)
          await expect(seenA.contexts.get(p)!.publish(changelog, [{ key: null, value: 'zombie', partition: p }])).rejects.toBeInstanceOf(
            TaskLostError,
          );
        // Nothing A answered reaches B again; new messages go to their task's owner.
        await busA.publish(
          states,
          Array.from({ length: 8 }, (_, p) => ({ key: null, value: `after-${p}`, partition: p })),
        );
        await eventually(() => expect(seenA.handled.length + seenB.handled.length).toBe(24), 30_000);
        expect(seenB.handled.map(textOf).sort()).toEqual(tasksB.map((p) => `after-${p}`).sort());
        expect(seenB.handled.every((m) => m.topic === states)).toBe(true);
        expect(
          seenA.handled
            .filter((m) => m.topic === states)
            .map((m) => m.partition)
            .sort(),
        ).toEqual(tasksA);
        await eventually(async () => {
          const echoes = (await busB.readTopic(changelog)).map(textOf);
          expect(echoes.filter((v) => v === 'echo zombie')).toEqual([]);
          expect(echoes).toHaveLength(24);
        });
        await closeBus(busB);
        await closeBus(busA);
      }, 120_000);

      it('deals 8 tasks 3/3/2 to three members, co-partitioned', async (ctx) => {
        skipUnlessAvailable(ctx);
        const topics = [unique('x'), unique('y')];
        const groupId = unique('three');
        const buses = [await openBus(), await openBus(), await openBus()];
        await buses[0].ensureTopics(topics.map((t) => spec(t, 8)));
        const seen = [recorder(), recorder(), recorder()];
        const changelog = unique('changelog');
        await buses[0].ensureTopics([spec(changelog, 8)]);
        for (const [i, bus] of buses.entries()) await bus.subscribeTasks(echoGroup(seen[i], groupId, topics, changelog));
        await eventually(async () => {
          const held = await Promise.all(buses.map(async (bus) => (await bus.taskStatus()).map((s) => s.partition)));
          expect(held.map((h) => h.length).sort()).toEqual([2, 3, 3]);
          expect(held.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
          for (const [i, h] of held.entries()) expect([...seen[i].assigned].sort()).toEqual(h);
        }, 30_000);
        // Co-partitioned: each message goes to the member holding its partition, whichever the topic.
        await buses[0].publish(
          topics[0],
          Array.from({ length: 8 }, (_, p) => ({ key: null, value: `x${p}`, partition: p })),
        );
        await eventually(() => expect(seen.reduce((n, s) => n + s.handled.filter((m) => m.topic === topics[0]).length, 0)).toBe(8));
        for (const s of seen) for (const m of s.handled) expect(s.assigned.has(m.partition)).toBe(true);
        for (const bus of buses) await closeBus(bus);
      }, 120_000);
    });
});
