/**
 * The server's identity on Kafka kept in DATA_DIR (process-identity.ts):
 * the same after a restart — a SIGKILLed predecessor's slot included —
 * and never shared by two live processes on one directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimProcessIdentity } from '../../src/bus/process-identity.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'process-identity-'));
  dirs.push(dir);
  return dir;
}

/** A real other process, alive until killed. */
function otherProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the process identity kept in DATA_DIR', () => {
  it('is random and kept nowhere without a data directory', () => {
    const [a, b] = [claimProcessIdentity(undefined), claimProcessIdentity(undefined)];
    expect(a.processId).not.toBe(b.processId);
  });

  it('is the same after a clean stop, and a second holder on the same directory gets another one', () => {
    const dir = dataDir();
    const first = claimProcessIdentity(dir);
    const second = claimProcessIdentity(dir);
    expect(second.processId).not.toBe(first.processId);
    first.release();
    const again = claimProcessIdentity(dir);
    expect(again.processId).toBe(first.processId);
    again.release();
    second.release();
  });

  it('takes over the identity of a SIGKILLed holder, and leaves a live one its own', async () => {
    const dir = dataDir();
    const kept = claimProcessIdentity(dir);
    kept.release();
    // A live process holds slot 0: this one gets slot 1.
    const live = otherProcess();
    writeFileSync(join(dir, 'kafka-process-0.pid'), String(live.pid));
    const beside = claimProcessIdentity(dir);
    expect(beside.processId).not.toBe(kept.processId);
    beside.release();
    // The holder is SIGKILLed (its PID file stays behind): its identity is taken over.
    live.kill('SIGKILL');
    await new Promise((resolve) => live.once('exit', resolve));
    const successor = claimProcessIdentity(dir);
    expect(successor.processId).toBe(kept.processId);
    successor.release();
  });
});
