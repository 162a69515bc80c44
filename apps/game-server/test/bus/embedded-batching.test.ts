/**
 * How the durable embedded bus hands work over in batches: a synchronous
 * handler gets a partition's committed messages in one run (no microtask per
 * message), the publishes of one macrotask share one transaction and resolve
 * together once it committed, and the WAL is checkpointed by a connection of
 * its own, which close() shuts before the writer's so no WAL is left behind.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBus, readEmbeddedTopic } from '../../src/bus/embedded-bus.js';

const spec = (name: string, partitions: number) => ({ name, partitions, config: {} });

const dirs: string[] = [];
const buses: EmbeddedBus[] = [];
function openBus(): { bus: EmbeddedBus; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'bus-batching-'));
  dirs.push(dataDir);
  const bus = new EmbeddedBus({ dataDir });
  buses.push(bus);
  return { bus, dataDir };
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('durable embedded bus, batches', () => {
  it('hands a synchronous handler the committed messages of a partition in one run', async () => {
    const { bus } = openBus();
    await bus.ensureTopics([spec('t', 1)]);
    const seen: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      onMessage: (m) => {
        if (seen.length === 0) queueMicrotask(() => seen.push('microtask'));
        seen.push(String(m.value));
      },
    });
    await bus.publish(
      't',
      Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: `m${i}` })),
    );
    await bus.whenIdle();
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'microtask']);
  });

  it('still waits for a handler that returns a promise before the next message', async () => {
    const { bus } = openBus();
    await bus.ensureTopics([spec('t', 1)]);
    const seen: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      fromBeginning: true,
      onMessage: async (m) => {
        seen.push(`start ${m.value}`);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`end ${m.value}`);
      },
    });
    await bus.publish('t', [
      { key: 'k', value: 'a' },
      { key: 'k', value: 'b' },
    ]);
    await bus.whenIdle();
    expect(seen).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('commits the publishes of one macrotask in one transaction and resolves them together after it', async () => {
    const { bus, dataDir } = openBus();
    await bus.ensureTopics([spec('a', 2), spec('b', 1)]);
    const first = bus.publish('a', [{ key: 'x', value: '1' }]);
    const second = bus.publish('b', [{ key: 'y', value: '2' }]);
    const third = bus.publish('a', [{ key: 'z', value: '3' }]);
    const visibleAtFirst = first.then(() => [readEmbeddedTopic(dataDir, 'a').length, readEmbeddedTopic(dataDir, 'b').length]);
    await Promise.all([first, second, third]);
    expect(await visibleAtFirst).toEqual([2, 1]);
  });

  it('checkpoints the WAL in the background and leaves none behind on close', async () => {
    const { bus, dataDir } = openBus();
    await bus.ensureTopics([spec('big', 4)]);
    const database = join(dataDir, 'bus.sqlite');
    const value = 'v'.repeat(64 * 1024);
    // 6 MiB: past what starts a background checkpoint, far below the writer's own bound (64 MiB).
    for (let i = 0; i < 96; i++) await bus.publish('big', [{ key: `k${i}`, value: `${i}:${value}` }]);
    // Only a checkpoint copies pages from the WAL into the database file.
    await vi.waitFor(() => expect(statSync(database).size).toBeGreaterThan(4 * 1024 * 1024), { timeout: 30_000, interval: 20 });
    for (let i = 96; i < 100; i++) await bus.publish('big', [{ key: `k${i}`, value: `${i}:${value}` }]);
    await bus.close();
    // The writer's connection closed last, so it checkpointed the rest and removed the WAL.
    expect(existsSync(`${database}-wal`)).toBe(false);
    const reopened = new EmbeddedBus({ dataDir });
    buses.push(reopened);
    const numbers = (await reopened.readTopic('big')).map((m) => Number(String(m.value).split(':')[0])).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
