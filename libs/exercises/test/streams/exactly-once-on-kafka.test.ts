/**
 * The Kafka runner's processing guarantees under a real crash: a counting app
 * in its own process is SIGKILLed while a transaction (exactly-once) or an
 * offset commit (at-least-once) is pending — its outputs for a second wave of
 * input already on the broker, the offsets of that wave not yet committed —
 * then a new process takes over. Exactly-once, every key's counts read
 * (read_committed) are exactly 1, 2, … n; at-least-once, the replayed wave is
 * counted twice, which is what exactly-once is for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createKafkaClient, type Admin } from '@banana-market/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingGuarantee } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import { createGameTopics, eventually, OutsideWorld, type ReadRecord } from './kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

const FIXTURE = fileURLToPath(new URL('./fixtures/counting-app.ts', import.meta.url));
const KEYS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const PER_KEY = { first: 10, second: 20 };
/** Long enough that the kill reliably lands between the second wave's outputs and its commit. */
const COMMIT_INTERVAL_MS = 4_000;
const TEST_TIMEOUT_MS = 90_000;

interface RunningApp {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
}

async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@banana-market/source', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) resolve();
    });
    exited.then(() => reject(new Error(`the counting app exited before it started:\n${output}`)));
  });
  return { child, exited };
}

const wave = (perKey: number, from: number) =>
  KEYS.flatMap((key) => Array.from({ length: perKey }, (_, i) => ({ key, value: from + i, timestamp: Date.now() })));

const countsOf = (records: readonly ReadRecord[], key: string) => records.filter((r) => r.key === key).map((r) => r.value as number);

async function committedInput(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

describe.skipIf(broker === undefined)('KafkaStreams processing guarantees under SIGKILL (a real broker, a real process)', () => {
  const bootstrap = broker?.bootstrap ?? '';
  const apps: RunningApp[] = [];
  let outside: OutsideWorld;
  let admin: Admin;

  beforeAll(async () => {
    outside = new OutsideWorld(bootstrap);
    await outside.connect();
    admin = createKafkaClient({ clientId: 'kill-test-admin', brokers: [bootstrap] }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const app of apps) app.child.kill('SIGKILL');
    await admin?.disconnect();
    await outside?.close();
    await broker?.stop();
  });

  /** Runs the two waves with a SIGKILL after the second wave's outputs are sent and before its offsets are committed. */
  async function crashMidCommit(guarantee: ProcessingGuarantee) {
    const run = `${guarantee}-${randomUUID().slice(0, 8)}`;
    const input = `kill-input-${run}`;
    const output = `kill-counts-${run}`;
    const applicationId = `kill-app-${run}`;
    // Three partitions: the offsets committed (or not) are several, as in a real app.
    await createGameTopics(bootstrap, run, [{ name: input, partitions: 3 }]);
    const env = {
      INPUT: input,
      OUTPUT: output,
      APPLICATION_ID: applicationId,
      BROKERS: bootstrap,
      GUARANTEE: guarantee,
      COMMIT_INTERVAL_MS: String(COMMIT_INTERVAL_MS),
    };
    const first = await startApp(env);
    apps.push(first);
    const committed = await outside.watch(output);
    const everything = await outside.watch(output, { readUncommitted: true });

    // Wave one, counted and committed: the next instance restores these counts from the changelog.
    await outside.produce(input, wave(PER_KEY.first, 0));
    const firstTotal = KEYS.length * PER_KEY.first;
    await eventually(async () => expect(await committedInput(admin, applicationId, input)).toBe(firstTotal), 30_000);
    for (const key of KEYS) await eventually(() => expect(countsOf(committed, key).at(-1)).toBe(PER_KEY.first));

    // Wave two: its counts reach the broker, then the process dies before the commit interval is up.
    await outside.produce(input, wave(PER_KEY.second, PER_KEY.first));
    await eventually(() => expect(everything.length).toBeGreaterThan(firstTotal));
    const offsetsAtKill = await committedInput(admin, applicationId, input);
    first.child.kill('SIGKILL');
    await first.exited;
    // The precondition of the whole test: the kill came after outputs were sent and before their offsets were committed.
    expect(offsetsAtKill).toBe(firstTotal);
    const sentBeforeKill = everything.length;

    const second = await startApp(env);
    apps.push(second);
    const total = KEYS.length * (PER_KEY.first + PER_KEY.second);
    await eventually(async () => expect(await committedInput(admin, applicationId, input)).toBe(total), 30_000);
    second.child.kill('SIGKILL');
    await second.exited;
    return { committed, everything, sentBeforeKill, firstTotal };
  }

  it('exactly_once_v2: every key counts exactly 1…30 however the crash fell; the killed transaction stays invisible', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const { committed, everything, sentBeforeKill, firstTotal } = await crashMidCommit('exactly_once_v2');
    const expected = Array.from({ length: PER_KEY.first + PER_KEY.second }, (_, i) => i + 1);
    for (const key of KEYS) await eventually(() => expect(countsOf(committed, key)).toEqual(expected));
    // The killed process's transaction had written counts past wave one: they are in the log, aborted, and no reader saw them.
    expect(sentBeforeKill).toBeGreaterThan(firstTotal);
    expect(everything.length).toBeGreaterThan(committed.length);
  });

  it('at_least_once: the same crash counts the replayed records twice', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { committed } = await crashMidCommit('at_least_once');
    const exact = PER_KEY.first + PER_KEY.second;
    await eventually(() =>
      expect(KEYS.map((key) => countsOf(committed, key).at(-1) ?? 0).reduce((a, b) => a + b, 0)).toBeGreaterThan(exact * KEYS.length),
    );
    // Counted twice, and no key lost a record.
    for (const key of KEYS) expect(countsOf(committed, key).at(-1)).toBeGreaterThanOrEqual(exact);
  });
});
