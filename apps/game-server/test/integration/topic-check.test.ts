/**
 * All or nothing: a client that auto-creates topics (Quix Streams does by
 * default) and starts before the server leaves `market-orders` with one
 * partition. The built server, started as users start it, must stop with one
 * clear line naming the topic and the fix, having created no other topic; once
 * the topic is deleted, it starts. The game's topic names are fixed, so this
 * file runs a broker of its own (never KAFKA_BROKERS' shared one).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, type Admin } from '@banana-market/kafka';
import { ALL_TOPICS, TOPICS } from '@banana-market/protocol';
import { brokerForTests, missingTools, startBroker, type StartedBroker } from '../../../../tools/kafka/broker.mjs';
import { eventually } from '../support/buses.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A fresh broker of this file's own; undefined (after a loud message, or a throw when CI is set) without Java or Maven. */
async function freshBroker(): Promise<StartedBroker | undefined> {
  const missing = missingTools();
  if (missing.length === 0) return startBroker();
  if (!process.env.KAFKA_BROKERS) {
    await brokerForTests(); // without the tools: its loud SKIPPING banner (a throw when CI is set)
    return undefined;
  }
  const message = `the topic-check test needs a broker of its own (the game's topic names are fixed), and this machine lacks ${missing.join(' and ')}`;
  if (process.env.CI && !['false', '0'].includes(process.env.CI)) throw new Error(message);
  console.warn(`\n!! SKIPPING: ${message}\n`);
  return undefined;
}

interface Run {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

function startServer(bootstrap: string): Run {
  const child = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      KAFKA_BROKERS: bootstrap,
      PORT: '0',
      HOST: '127.0.0.1',
      HOUSE_BOTS: '0',
      GAME_SEED: 'topic-check',
      ADMIN_TOKEN: 'topic-check-admin',
      DATA_DIR: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (d: Buffer) => stdout.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, stdout, stderr, exited };
}

describe('the server on a broker where a client auto-created market-orders with 1 partition (real Kafka)', () => {
  let broker: StartedBroker | undefined;
  let admin: Admin;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    broker = await freshBroker();
    if (broker === undefined) return;
    await promisify(execFile)('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot });
    admin = createKafkaClient({ clientId: 'topic-check-test', brokers: [broker.bootstrap] }).admin();
    await admin.connect();
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await admin?.disconnect();
    await broker?.stop();
  }, 60_000);

  const gameTopicsOnBroker = async () => {
    const names = new Set(ALL_TOPICS.map((topic) => topic.name));
    return (await admin.listTopics()).filter((topic) => names.has(topic)).sort();
  };
  const partitionCount = async (topic: string) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;

  it('stops at start with one line naming the topic, both counts and the fix, and creates nothing; once the topic is deleted, it starts', async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker of its own on this machine (see the message above)');
    const bootstrap = broker.bootstrap;
    // What a client's auto-creation leaves: the broker's default of one partition.
    await admin.createTopics({ topics: [{ topic: TOPICS.marketOrders.name, numPartitions: 1 }] });

    const refused = startServer(bootstrap);
    servers.push(refused.child);
    const exit = await Promise.race([refused.exited, new Promise((resolve) => setTimeout(() => resolve('still running after 90 s'), 90_000))]);
    const output = `--- stdout ---\n${refused.stdout.join('')}\n--- stderr ---\n${refused.stderr.join('')}`;
    expect(exit, output).toBe(1);
    expect(refused.stdout.join(''), output).not.toContain('Banana Market is open');
    const errorLines = refused.stderr
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(errorLines, output).toHaveLength(1);
    const [line] = errorLines;
    expect(line).toMatch(/^banana-market: cannot start on Kafka at /);
    expect(line).toContain('topic "market-orders" has 1 partition, expected 8 (nothing was created)');
    expect(line).toContain(`kafka-topics.sh --bootstrap-server ${bootstrap} --delete --topic market-orders`);
    expect(line).toContain('auto_create_topics=False');
    console.log(`the server's message:\n${line}`);

    // Nothing created, and the client's topic untouched.
    expect(await gameTopicsOnBroker()).toEqual([TOPICS.marketOrders.name]);
    expect(await partitionCount(TOPICS.marketOrders.name)).toBe(1);

    // The fix the message gives: delete it, and let the server create the topics.
    await admin.deleteTopics({ topics: [TOPICS.marketOrders.name] });
    await eventually(async () => expect(await gameTopicsOnBroker()).toEqual([]), 30_000, 200);
    const fixed = startServer(bootstrap);
    servers.push(fixed.child);
    await eventually(
      () => expect(fixed.stdout.join(''), `${fixed.stdout.join('')}\n${fixed.stderr.join('')}`).toContain('Banana Market is open'),
      90_000,
      200,
    );
    expect(await gameTopicsOnBroker()).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
    for (const topic of ALL_TOPICS) expect(await partitionCount(topic.name)).toBe(topic.partitions);
    fixed.child.kill('SIGTERM');
    await fixed.exited;
  }, 240_000);
});
