/**
 * The durable embedded bus (`dataDir`): a bus reopened on the same directory
 * finds every topic, offset, committed group offset and compacted survivor;
 * what one macrotask publishes, with the offset of the message its handler
 * was handling, commits atomically; retention holds in the database too.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus, readEmbeddedTopic } from '../../src/bus/embedded-bus.js';
import type { BusMessage } from '../../src/bus/message-bus.js';

const spec = (name: string, partitions: number, config: Record<string, string> = {}) => ({ name, partitions, config });
const COMPACT = { 'cleanup.policy': 'compact' };

/** What a message is, minus the object identity: compared across a reopen. */
const plain = (m: BusMessage) => ({
  topic: m.topic,
  partition: m.partition,
  offset: m.offset,
  key: m.key === null ? null : m.key.toString(),
  value: m.value === null ? null : m.value.toString(),
  timestamp: m.timestamp,
});
const valuesOf = (messages: BusMessage[]) => messages.map((m) => String(m.value));

const dirs: string[] = [];
const buses: EmbeddedBus[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bus-durable-'));
  dirs.push(dir);
  return dir;
}
function openBus(dataDir: string, retainPerPartition?: number): EmbeddedBus {
  const bus = new EmbeddedBus({ dataDir, retainPerPartition });
  buses.push(bus);
  return bus;
}
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('durable embedded bus', () => {
  it('finds every topic, offset, committed group offset and compacted survivor after a reopen', async () => {
    const dataDir = tempDir();
    const before = openBus(dataDir, 20);
    await before.ensureTopics([spec('orders', 4), spec('states', 1, COMPACT)]);
    for (let i = 0; i < 30; i++) await before.publish('orders', [{ key: `trader-${i % 7}`, value: `order-${i}` }]);
    for (let i = 0; i < 60; i++) {
      // trader-0 is deleted (tombstone) early on, so trimming must drop it rather than keep a survivor.
      const value = i === 10 ? null : `state-${i}`;
      await before.publish('states', [{ key: `trader-${i === 10 ? 0 : i % 6}`, value }]);
    }
    const seen: string[] = [];
    await before.subscribe({ groupId: 'g', topics: ['orders'], fromBeginning: true, onMessage: (m) => void seen.push(String(m.value)) });
    await before.whenIdle();
    expect(seen).toHaveLength(30);
    const orders = (await before.readTopic('orders')).map(plain);
    const states = (await before.readTopic('states')).map(plain);
    // Read-only from outside while the bus still has the database open (WAL allows it).
    expect(readEmbeddedTopic(dataDir, 'orders').map(plain)).toEqual(orders);
    await before.close();

    // Read-only, from outside: what readTopic returned.
    expect(readEmbeddedTopic(dataDir, 'orders').map(plain)).toEqual(orders);
    expect(readEmbeddedTopic(dataDir, 'states').map(plain)).toEqual(states);

    const after = openBus(dataDir, 20);
    // No ensureTopics needed: the specs are in the database.
    expect((await after.readTopic('orders')).map(plain)).toEqual(orders);
    expect((await after.readTopic('states')).map(plain)).toEqual(states);
    // trader-0's tombstone was trimmed: the key is gone, not resurrected with an older value.
    expect(states.some((m) => m.key === 'trader-0' && m.value !== null && Number(m.value.slice(6)) < 10)).toBe(false);
    // Offsets continue where they were.
    await after.ensureTopics([spec('orders', 4), spec('states', 1, COMPACT)]);
    await after.publish('states', [{ key: 'trader-1', value: 'after' }]);
    const newest = (await after.readTopic('states')).at(-1)!;
    expect(newest.offset).toBe(String(Number(states.at(-1)!.offset) + 1));
    // The group resumes after its committed offsets: only the new order.
    const resumed: string[] = [];
    await after.subscribe({ groupId: 'g', topics: ['orders'], fromBeginning: true, onMessage: (m) => void resumed.push(String(m.value)) });
    await after.publish('orders', [{ key: 'trader-3', value: 'order-after' }]);
    await after.whenIdle();
    expect(resumed).toEqual(['order-after']);
  });

  it('keeps a compacted topic nobody reads on disk only, and gives its readers what the memory-only bus gives', async () => {
    // The same publishes, with tombstones and retention trimming several times, on both buses.
    const durable = openBus(tempDir(), 25);
    const memory = new EmbeddedBus({ retainPerPartition: 25 });
    buses.push(memory);
    for (const bus of [durable, memory]) {
      await bus.ensureTopics([spec('store-changelog', 2, COMPACT)]);
      for (let i = 0; i < 140; i++) {
        const key = `key-${i % 9}`;
        // key-4 is deleted once it was written twice, then written again; a batch of three lands in one transaction.
        const value = i === 22 || i === 130 ? null : `v${i}`;
        await bus.publish('store-changelog', [
          { key, value },
          { key: `batch-${i % 5}`, value: `b${i}` },
          { key, value: `again-${i}` },
        ]);
        // Keys written only at first: trimmed long ago, they survive compaction alone.
        if (i < 6) await bus.publish('store-changelog', [{ key: `early-${i}`, value: `e${i}` }]);
      }
    }
    const onDisk = (await durable.readTopic('store-changelog')).map(plain);
    const inMemory = (await memory.readTopic('store-changelog')).map(plain);
    const withoutTime = (m: ReturnType<typeof plain>) => ({ ...m, timestamp: 0 });
    expect(onDisk.map(withoutTime)).toEqual(inMemory.map(withoutTime));
    expect(onDisk.length).toBeGreaterThan(0);
    // Nothing of it is held in memory: no subscriber read it.
    const held = (bus: EmbeddedBus) =>
      (bus as unknown as { topics: Map<string, { partitions: { messages: unknown[] }[] }> }).topics
        .get('store-changelog')!
        .partitions.reduce((sum, log) => sum + log.messages.length, 0);
    expect(held(durable)).toBe(0);
    expect(held(memory)).toBeGreaterThan(0);

    // A subscriber from the beginning gets the retained log (from the database) with its offsets, then what comes next.
    const seen: string[] = [];
    await durable.subscribe({
      groupId: 'late',
      topics: ['store-changelog'],
      fromBeginning: true,
      onMessage: (m) => void seen.push(`${m.partition}@${m.offset}`),
    });
    await durable.publish('store-changelog', [{ key: 'key-1', value: 'after' }]);
    await durable.whenIdle();
    const retained = onDisk.filter((m) => !seen.includes(`${m.partition}@${m.offset}`));
    // What the subscriber did not get is exactly the compacted survivors (older than each partition's retained log).
    expect(retained.length).toBeGreaterThan(0);
    expect(seen).toHaveLength(onDisk.length - retained.length + 1);
    const after = (await durable.readTopic('store-changelog')).find((m) => String(m.value) === 'after')!;
    expect(seen.at(-1)).toBe(`${after.partition}@${after.offset}`);
    expect(held(durable)).toBeGreaterThan(0);
  });

  it('never puts to rest a topic someone subscribed to, and says so when a resting topic is read after close', async () => {
    const bus = openBus(tempDir());
    await bus.ensureTopics([spec('states', 1, COMPACT), spec('store-changelog', 1, COMPACT)]);
    const held = (name: string) =>
      (bus as unknown as { topics: Map<string, { partitions: { messages: unknown[] }[] }> }).topics.get(name)!.partitions[0].messages.length;
    // A read model's way: it subscribes, and may stop following (a restart of its consumer); the topic stays in memory.
    const follower = await bus.subscribe({ groupId: 'view', topics: ['states'], fromBeginning: true, onMessage: () => undefined });
    await follower.close();
    await bus.publish('states', [{ key: 'alice', value: 's1' }]);
    await bus.publish('store-changelog', [{ key: 'alice', value: 'c1' }]);
    expect(held('states')).toBe(1);
    expect(held('store-changelog')).toBe(0);
    await bus.close();
    // The last flush of a closing bus has no members left: the followed topic still stays readable from memory.
    expect((await bus.readTopic('states')).map((m) => String(m.value))).toEqual(['s1']);
    await expect(bus.readTopic('store-changelog')).rejects.toThrow(/the embedded bus is closed: cannot read "store-changelog"/);
  });

  it('resumes a group after its committed offset and does not redeliver what it handled', async () => {
    const dataDir = tempDir();
    const first = openBus(dataDir);
    await first.ensureTopics([spec('in', 2), spec('out', 2)]);
    const pipe = (bus: EmbeddedBus, handled: string[]) =>
      bus.subscribe({
        groupId: 'pipe',
        topics: ['in'],
        fromBeginning: true,
        onMessage: (m) => {
          handled.push(String(m.value));
          void bus.publish('out', [{ key: m.key, value: `done-${m.value}` }]);
        },
      });
    const handledBefore: string[] = [];
    await pipe(first, handledBefore);
    await first.publish(
      'in',
      Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `a${i}` })),
    );
    await first.whenIdle();
    await first.close();
    expect(handledBefore).toHaveLength(10);

    const second = openBus(dataDir);
    // Published while the group is away: it must get exactly these.
    await second.publish('in', [
      { key: 'k1', value: 'b1' },
      { key: 'k2', value: 'b2' },
    ]);
    const handledAfter: string[] = [];
    await pipe(second, handledAfter);
    await second.whenIdle();
    expect(handledAfter.sort()).toEqual(['b1', 'b2']);
    expect(valuesOf(await second.readTopic('out')).sort()).toEqual([...handledBefore, ...handledAfter].map((v) => `done-${v}`).sort());
  });

  it('commits what a handler published and its offset in one transaction', async () => {
    const dataDir = tempDir();
    const bus = openBus(dataDir);
    await bus.ensureTopics([spec('in', 3), spec('out', 3)]);
    await bus.subscribe({
      groupId: 'pipe',
      topics: ['in'],
      fromBeginning: true,
      onMessage: (m) => {
        // Two publishes, not awaited, as the server's handlers do.
        void bus.publish('out', [{ key: m.key, value: `${m.value}:1` }]);
        void bus.publish('out', [{ key: m.key, value: `${m.value}:2` }]);
      },
    });
    // Copies of the database taken between transactions, while orders stream in and are handled:
    // each is what a process killed at that moment would leave.
    const snapshots: string[] = [];
    let streaming = true;
    const snapshotter = (async () => {
      while (streaming) {
        await nextMacrotask();
        const copy = join(tempDir(), 'copy');
        mkdirSync(copy);
        for (const suffix of ['', '-wal']) {
          const file = join(dataDir, `bus.sqlite${suffix}`);
          if (existsSync(file)) copyFileSync(file, join(copy, `bus.sqlite${suffix}`));
        }
        snapshots.push(copy);
      }
    })();
    for (let i = 0; i < 40; i++) {
      void bus.publish(
        'in',
        Array.from({ length: 5 }, (_, j) => ({ key: `t${(i * 5 + j) % 11}`, value: `o${i * 5 + j}` })),
      );
      await nextMacrotask();
    }
    await bus.whenIdle();
    streaming = false;
    await snapshotter;
    expect(snapshots.length).toBeGreaterThan(10);

    let partlyHandled = 0;
    for (const copy of snapshots) {
      const inputs = valuesOf(readEmbeddedTopic(copy, 'in'));
      const outputs = valuesOf(readEmbeddedTopic(copy, 'out'));
      // A fresh bus on the copy: the group gets exactly the orders whose outputs are not there.
      const restarted = openBus(copy);
      const redelivered: string[] = [];
      await restarted.subscribe({ groupId: 'pipe', topics: ['in'], fromBeginning: true, onMessage: (m) => void redelivered.push(String(m.value)) });
      await restarted.whenIdle();
      const done = [...new Set(outputs.map((v) => v.split(':')[0]))];
      // Both outputs of an order or neither: never half a handler.
      expect(outputs.sort()).toEqual(done.flatMap((o) => [`${o}:1`, `${o}:2`]).sort());
      expect([...done, ...redelivered].sort()).toEqual([...inputs].sort());
      if (redelivered.length > 0 && done.length > 0) partlyHandled++;
    }
    // The snapshots did catch the stream in the middle.
    expect(partlyHandled).toBeGreaterThan(0);
  });

  it('keeps retention across a reopen: trimmed rows are gone, offsets and compacted survivors stay', async () => {
    const dataDir = tempDir();
    const bus = openBus(dataDir, 10);
    await bus.ensureTopics([spec('log', 1), spec('states', 1, COMPACT)]);
    for (let i = 0; i < 95; i++) {
      void bus.publish('log', [{ key: null, value: String(i) }]);
      void bus.publish('states', [{ key: `s${i % 13}`, value: i % 13 === 5 && i > 50 ? null : String(i) }]);
      if (i % 7 === 0) await nextMacrotask();
    }
    await bus.close();
    const log = readEmbeddedTopic(dataDir, 'log');
    expect(log.length).toBeLessThanOrEqual(10);
    expect(valuesOf(log).at(-1)).toBe('94');
    expect(log.map((m) => Number(m.offset))).toEqual(log.map((_, i) => 95 - log.length + i));
    const states = readEmbeddedTopic(dataDir, 'states');
    const newest = new Map(states.map((m) => [String(m.key), m.value === null ? null : String(m.value)]));
    for (let k = 0; k < 13; k++) {
      const last = 94 - ((94 - k) % 13);
      const expected = k === 5 ? null : String(last);
      // A key whose newest write is a trimmed tombstone is simply absent.
      expect(newest.get(`s${k}`) ?? null, `s${k}`).toBe(expected);
    }

    const reopened = openBus(dataDir, 10);
    expect((await reopened.readTopic('log')).map(plain)).toEqual(log.map(plain));
    expect((await reopened.readTopic('states')).map(plain)).toEqual(states.map(plain));
    await reopened.publish('log', [{ key: null, value: 'next' }]);
    expect((await reopened.readTopic('log')).at(-1)?.offset).toBe('95');
    await reopened.close();

    // A lower bound on restart trims the database at once.
    const tighter = openBus(dataDir, 4);
    await tighter.close();
    expect(readEmbeddedTopic(dataDir, 'log').length).toBeLessThanOrEqual(4);
    expect(valuesOf(readEmbeddedTopic(dataDir, 'log')).at(-1)).toBe('next');
  });

  it('shows consumers only what is committed, writes pending publishes on close, and refuses publishes after', async () => {
    const dataDir = tempDir();
    const bus = openBus(dataDir);
    await bus.ensureTopics([spec('t', 1)]);
    const seen: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['t'], onMessage: (m) => void seen.push(String(m.value)) });
    const published = bus.publish('t', [{ key: null, value: 'x' }]);
    // Not yet written: neither readable nor delivered.
    expect(await bus.readTopic('t')).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([]);
    const late = bus.publish('t', [{ key: null, value: 'y' }]);
    await bus.close();
    await expect(Promise.all([published, late])).resolves.toBeDefined();
    expect(valuesOf(readEmbeddedTopic(dataDir, 't'))).toEqual(['x', 'y']);
    await expect(bus.publish('t', [{ key: null, value: 'z' }])).rejects.toThrow(/embedded bus is closed/);
  });

  it('refuses a corrupted database, or a topic whose partitions changed, with one clear message', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'bus.sqlite'), 'this is not a database, just some bytes '.repeat(200));
    expect(() => new EmbeddedBus({ dataDir })).toThrow(
      new RegExp(`cannot read the embedded bus database ${join(dataDir, 'bus.sqlite')}.*Delete it.*--fresh`),
    );
    expect(() => readEmbeddedTopic(dataDir, 't')).toThrow(/cannot read the embedded bus database .*Delete it/);

    const other = tempDir();
    const bus = openBus(other);
    await bus.ensureTopics([spec('t', 2)]);
    await bus.close();
    const reopened = openBus(other);
    await expect(reopened.ensureTopics([spec('t', 3)])).rejects.toThrow(/topic "t" has 2 partitions in .*bus\.sqlite but the server wants 3/);
  });
});
