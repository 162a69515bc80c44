/**
 * Killing a streams app for real: the app runs in a process of its own
 * (fixtures/streams-process.ts) and is SIGKILLed after a wave of input's
 * outputs reached the broker and before that wave's offsets were committed —
 * the moment where at-least-once and exactly-once differ.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Admin } from '@banana-market/kafka';
import { expect } from 'vitest';
import { eventually, type OutsideWorld, type ReadRecord } from './kafka-support.js';

const STREAMS_PROCESS = fileURLToPath(new URL('./fixtures/streams-process.ts', import.meta.url));
/** Long enough that the kill reliably lands between a wave's outputs and its commit. */
export const KILL_TEST_COMMIT_INTERVAL_MS = 4_000;

export interface StreamsProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
}

export interface StreamsProcessEnv {
  /** A module exporting buildTopology() (and, a kata, streamsSettings). */
  readonly TOPOLOGY_MODULE: string;
  readonly APPLICATION_ID: string;
  readonly BROKERS: string;
  /** Overrides the module's streamsSettings. */
  readonly GUARANTEE?: string;
  readonly [name: string]: string | undefined;
}

/** Starts the app in a process of its own; resolves once it consumes. */
export async function startStreamsProcess(env: StreamsProcessEnv): Promise<StreamsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@banana-market/source', STREAMS_PROCESS], {
    env: { ...process.env, COMMIT_INTERVAL_MS: String(KILL_TEST_COMMIT_INTERVAL_MS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) resolve();
    });
    exited.then(() => reject(new Error(`the streams process exited before it started:\n${errors}`)));
  });
  return { child, exited };
}

/** SIGKILLs the app (if it still runs) and resolves once its process is gone. */
export async function killStreamsProcess(app: StreamsProcess): Promise<void> {
  app.child.kill('SIGKILL');
  await app.exited;
}

type Offsets = Map<number, number>;

/** The group's committed offset on each partition of `topic` (0 where none). */
async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

/** Where each partition of `topic` ends now. */
async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Partitions where `offsets` are not at least `bound` (the topic may be shared: others' records may come after ours). */
function behind(offsets: Offsets, bound: Offsets): string[] {
  return [...bound].flatMap(([partition, end]) =>
    (offsets.get(partition) ?? 0) >= end ? [] : [`${partition}: ${offsets.get(partition) ?? 0} < ${end}`],
  );
}

/** Waits until the group has committed at least `end` on every partition. */
async function committedUpTo(admin: Admin, groupId: string, topic: string, end: Offsets): Promise<void> {
  await eventually(async () => expect(behind(await committedOffsets(admin, groupId, topic), end)).toEqual([]), 30_000);
}

export interface CrashScenario {
  readonly admin: Admin;
  readonly outside: OutsideWorld;
  readonly env: StreamsProcessEnv;
  readonly inputTopic: string;
  readonly outputTopic: string;
  /** Produces the first wave: counted and committed before the crash. */
  readonly firstWave: () => Promise<void>;
  /** Produces the second wave: its outputs are sent, its offsets not committed, when the process is killed. */
  readonly secondWave: () => Promise<void>;
  /** Every process started, for the test's cleanup. */
  readonly started: StreamsProcess[];
  /** The output records this run wrote (default: all), when the topic is shared with earlier runs. */
  readonly isOurs?: (record: ReadRecord) => boolean;
}

export interface CrashOutcome {
  /** This run's output records as read_committed readers see them, so far (they keep arriving: poll). */
  readonly committed: () => ReadRecord[];
  /** This run's output records, aborted ones included (read_uncommitted), so far. */
  readonly everything: () => ReadRecord[];
  /** How many output records were in the topic, aborted or not, when the first process was killed. */
  readonly sentBeforeKill: number;
  /** How many output records the first wave left, all committed. */
  readonly firstWaveOutputs: number;
}

/**
 * First wave, committed; second wave, its outputs on the broker; SIGKILL; a
 * new process that reads the input to its end and commits; SIGKILL again.
 * Fails unless the kill came after the second wave's outputs were sent and
 * before its offsets were committed.
 */
export async function crashBetweenSendAndCommit(scenario: CrashScenario): Promise<CrashOutcome> {
  const { admin, outside, env, inputTopic, outputTopic, started } = scenario;
  const groupId = env.APPLICATION_ID;
  const first = await startStreamsProcess(env);
  started.push(first);
  const committedView = await outside.watch(outputTopic);
  const everythingView = await outside.watch(outputTopic, { readUncommitted: true });
  const isOurs = scenario.isOurs ?? (() => true);
  const committed = () => committedView.filter(isOurs);
  const everything = () => everythingView.filter(isOurs);

  await scenario.firstWave();
  await committedUpTo(admin, groupId, inputTopic, await endOffsets(admin, inputTopic));
  // Read_committed readers see a transaction's records once its markers land, a moment after the offsets.
  await eventually(() => expect(committed().length).toBe(everything().length));
  const firstWaveOutputs = everything().length;

  const beforeSecondWave = await endOffsets(admin, inputTopic);
  await scenario.secondWave();
  await eventually(() => expect(everything().length).toBeGreaterThan(firstWaveOutputs));
  const offsetsAtKill = await committedOffsets(admin, groupId, inputTopic);
  await killStreamsProcess(first);
  // The precondition of the whole scenario: outputs of the second wave sent, none of its offsets committed.
  expect(behind(beforeSecondWave, offsetsAtKill), 'the second wave was committed before the kill').toEqual([]);
  const sentBeforeKill = everything().length;

  const second = await startStreamsProcess(env);
  started.push(second);
  await committedUpTo(admin, groupId, inputTopic, await endOffsets(admin, inputTopic));
  await killStreamsProcess(second);
  return { committed, everything, sentBeforeKill, firstWaveOutputs };
}
