/**
 * The embedded bus keeps the Kafka semantics the server relies on.
 */
import { describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { partitionForKey } from '../src/bus/key-partitioner.js';
import type { BusMessage } from '../src/bus/message-bus.js';

const spec = (name: string, partitions: number, config: Record<string, string> = {}) => ({ name, partitions, config });

describe('key partitioner', () => {
  it("matches Kafka's Java client (murmur2) on known keys", () => {
    // Hash vectors from Kafka's own UtilsTest.testMurmur2, checked against the transcription below.
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) {
      expect(murmur2(key), key).toBe(hash);
      expect(partitionForKey('t', Buffer.from(key), 8), key).toBe((hash & 0x7fffffff) % 8);
    }
    for (const key of ['{"team":"BONOBO","name":"alice"}', 'GNOU', '', 'x'.repeat(100)]) {
      expect(partitionForKey('t', Buffer.from(key), 8)).toBe(murmurJavaPartition(key, 8));
    }
  });

  it('spreads trader keys over all partitions', () => {
    const used = new Set<number>();
    for (let i = 0; i < 200; i++) used.add(partitionForKey('t', Buffer.from(`{"team":"T","name":"n${i}"}`), 8));
    expect(used.size).toBe(8);
  });
});

describe('embedded bus', () => {
  it('keeps per-partition order and offsets, and a key always goes to one partition', async () => {
    const bus = new EmbeddedBus();
    await bus.ensureTopics([spec('orders', 8)]);
    const seen: BusMessage[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['orders'], onMessage: (m) => void seen.push(m) });
    for (let i = 0; i < 50; i++) await bus.publish('orders', [{ key: `k${i % 5}`, value: String(i) }]);
    await bus.whenIdle();
    expect(seen).toHaveLength(50);
    for (let k = 0; k < 5; k++) {
      const mine = seen.filter((m) => m.key?.toString() === `k${k}`);
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => Number(m.value?.toString()))).toEqual(mine.map((m) => Number(m.value?.toString())).sort((a, b) => a - b));
    }
    for (const partition of new Set(seen.map((m) => m.partition))) {
      const offsets = seen.filter((m) => m.partition === partition).map((m) => Number(m.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('delivers new messages only, unless fromBeginning, and resumes a group where it was', async () => {
    const bus = new EmbeddedBus();
    await bus.ensureTopics([spec('t', 1)]);
    await bus.publish('t', [{ key: null, value: 'old' }]);
    const latest: string[] = [];
    const fromStart: string[] = [];
    const sub = await bus.subscribe({ groupId: 'latest', topics: ['t'], onMessage: (m) => void latest.push(String(m.value)) });
    await bus.subscribe({ groupId: 'start', topics: ['t'], fromBeginning: true, onMessage: (m) => void fromStart.push(String(m.value)) });
    await bus.publish('t', [{ key: null, value: 'new' }]);
    await bus.whenIdle();
    expect(latest).toEqual(['new']);
    expect(fromStart).toEqual(['old', 'new']);
    await sub.close();
    await bus.publish('t', [{ key: null, value: 'while away' }]);
    const resumed: string[] = [];
    await bus.subscribe({ groupId: 'latest', topics: ['t'], onMessage: (m) => void resumed.push(String(m.value)) });
    await bus.whenIdle();
    expect(resumed).toEqual(['while away']);
  });

  it('does not let one failing handler stop the partition', async () => {
    const bus = new EmbeddedBus();
    await bus.ensureTopics([spec('t', 1)]);
    const seen: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      onMessage: (m) => {
        if (String(m.value) === 'boom') throw new Error('handler bug');
        seen.push(String(m.value));
      },
    });
    await bus.publish('t', [
      { key: null, value: 'a' },
      { key: null, value: 'boom' },
      { key: null, value: 'b' },
    ]);
    await bus.whenIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('bounds memory by retention, keeping the newest value of each key on compacted topics', async () => {
    const bus = new EmbeddedBus({ retainPerPartition: 100 });
    await bus.ensureTopics([spec('log', 1), spec('states', 1, { 'cleanup.policy': 'compact' })]);
    for (let i = 0; i < 1000; i++) {
      await bus.publish('log', [{ key: null, value: String(i) }]);
      await bus.publish('states', [{ key: `trader-${i % 150}`, value: String(i) }]);
    }
    const log = await bus.readTopic('log');
    expect(log.length).toBeLessThanOrEqual(100);
    expect(String(log.at(-1)?.value)).toBe('999');
    const states = await bus.readTopic('states');
    const newest = new Map<string, string>();
    for (const m of states) newest.set(String(m.key), String(m.value));
    expect(newest.size).toBe(150);
    for (let t = 0; t < 150; t++) {
      const lastWrite = 1000 - 1 - ((1000 - 1 - t) % 150);
      expect(newest.get(`trader-${t}`)).toBe(String(lastWrite));
    }
  });

  it('refuses unknown topics and a second consumer in one group', async () => {
    const bus = new EmbeddedBus();
    await bus.ensureTopics([spec('t', 1)]);
    await expect(bus.publish('nope', [{ key: null, value: 'x' }])).rejects.toThrow(/unknown topic "nope"/);
    await bus.subscribe({ groupId: 'g', topics: ['t'], onMessage: () => undefined });
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], onMessage: () => undefined })).rejects.toThrow(/one consumer per group/);
  });
});

function murmurJavaPartition(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** An independent transcription of Kafka's Utils.murmur2 (signed 32-bit result), to check the library against. */
function murmur2(key: string): number {
  const data = Buffer.from(key);
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = seed ^ data.length;
  const length4 = Math.floor(data.length / 4);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = data.length % 4;
  const base = data.length & ~3;
  if (rest === 3) h ^= (data[base + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[base + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[base] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
