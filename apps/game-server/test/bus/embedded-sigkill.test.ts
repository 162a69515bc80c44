/**
 * A durable embedded bus killed with SIGKILL at random moments loses nothing
 * it acknowledged: a child process publishes numbered messages and prints
 * each number once its publish resolved; after each kill, every printed
 * number is in the database exactly once and in order, and the consumer
 * group that doubles them has neither lost nor redone one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBus, readEmbeddedTopic } from '../../src/bus/embedded-bus.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/publish-numbers.ts', import.meta.url));
const KILLS = 5;

interface Child {
  readonly process: ChildProcess;
  /** Numbers whose publish resolved, in the order printed. */
  readonly acked: number[];
  readonly ready: () => boolean;
  readonly output: () => string;
}

function startPublisher(dataDir: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@banana-market/source', fixture, dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let ready = false;
  let partial = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') ready = true;
      else acked.push(Number(line));
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return { process: child, acked, ready: () => ready, output: () => stderr };
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const values = (dataDir: string, topic: string) => readEmbeddedTopic(dataDir, topic).map((m) => Number(String(m.value)));

describe('a durable embedded bus under SIGKILL', () => {
  const dirs: string[] = [];
  let running: ChildProcess | undefined;

  afterEach(async () => {
    if (running !== undefined && running.exitCode === null && running.signalCode === null) await killAndWait(running);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message exactly once and in order, and the group neither loses nor redoes one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bus-sigkill-'));
    dirs.push(dataDir);
    const allAcked: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startPublisher(dataDir);
      running = child.process;
      await vi.waitFor(
        () => {
          if (child.process.exitCode !== null) throw new Error(`the publisher exited:\n${child.output()}`);
          expect(child.ready()).toBe(true);
        },
        { timeout: 30_000, interval: 20 },
      );
      // A random moment: after some tens to a few thousand acknowledgements.
      const target = 20 + Math.floor(Math.random() * 3000);
      await vi.waitFor(() => expect(child.acked.length).toBeGreaterThanOrEqual(target), { timeout: 30_000, interval: 5 });
      await killAndWait(child.process);
      allAcked.push(...child.acked);

      const stored = values(dataDir, 'numbers');
      // Published in order on one partition: the stored numbers are 1..n, without gap or repeat...
      expect(stored).toEqual(stored.map((_, i) => i + 1));
      // ...and every acknowledged one is among them. (Some stored ones may be unacknowledged: committed,
      // but killed before printing. The next run continues after them, so acknowledgements may skip some.)
      expect(child.acked.length).toBeGreaterThanOrEqual(target);
      for (let i = 1; i < allAcked.length; i++) expect(allAcked[i], 'acknowledged in publish order').toBeGreaterThan(allAcked[i - 1]);
      expect(allAcked.at(-1)).toBeLessThanOrEqual(stored.length);
      // The group's output so far: each number at most once (some may still be waiting for the group).
      const doubled = values(dataDir, 'doubled');
      expect(new Set(doubled).size).toBe(doubled.length);
      for (const d of doubled) expect(d % 2 === 0 && d / 2 <= stored.length).toBe(true);
    }

    // The group resumes on a bus opened here and finishes the work: every number doubled exactly once.
    const bus = new EmbeddedBus({ dataDir });
    try {
      const stored = (await bus.readTopic('numbers')).length;
      await bus.subscribe({
        groupId: 'doubler',
        topics: ['numbers'],
        fromBeginning: true,
        onMessage: (m) => void bus.publish('doubled', [{ key: String(m.value), value: String(2 * Number(String(m.value))) }]),
      });
      await bus.whenIdle();
      await vi.waitFor(async () => expect((await bus.readTopic('doubled')).length).toBe(stored), { timeout: 10_000 });
      const doubled = (await bus.readTopic('doubled')).map((m) => Number(String(m.value)) / 2).sort((a, b) => a - b);
      expect(doubled).toEqual(doubled.map((_, i) => i + 1));
    } finally {
      await bus.close();
    }
  }, 120_000);
});
