/**
 * What runs outside the bench's process: the child scripts' paths, child processes (spawnChild,
 * spawnServer, stopChild, rssMb), the servers' cluster (clusterSettled) and the Kafka load client and
 * topics (kafkaClient, createTopics).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { API_PATHS } from '@banana-market/protocol';
import { LIMITS } from './limits.mjs';

const { Kafka, logLevel, Partitioners } = kafkajs;

export const mainJs = fileURLToPath(new URL('../../../apps/game-server/dist/main.js', import.meta.url));
export const pipeJs = fileURLToPath(new URL('../pipe.mjs', import.meta.url));
export const floodJs = fileURLToPath(new URL('../flooder.mjs', import.meta.url));
export const kafkaFloodJs = fileURLToPath(new URL('../kafka-flooder.mjs', import.meta.url));
export const spectatorBaselineJs = fileURLToPath(new URL('../spectator-baseline.mjs', import.meta.url));
export const spectatorClientsJs = fileURLToPath(new URL('../spectator-clients.mjs', import.meta.url));

/** A child process that is up once `isUp(all output so far)` holds, within 60 s. */
export function spawnChild(what, args, env, isUp) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  const proc = { child, output, exited, up: undefined, tail: () => output.join('').slice(-2_000) };
  child.stderr.on('data', (d) => output.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${proc.tail()}`)), 60_000);
    child.stdout.on('data', (d) => {
      output.push(d.toString());
      if (proc.up !== undefined) return;
      proc.up = isUp(output.join(''));
      if (proc.up !== undefined) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${how} while starting:\n${proc.tail()}`));
    });
  });
}

/**
 * One real server (dist/main.js) as a child process, with the configuration every server row shares:
 * the in-process servers' ADMIN_TOKEN and GAME_SEED, and no data directory, so that the sealed game
 * record's key comes from ADMIN_TOKEN and every server (and row) plays one game.
 */
export async function spawnServer(bootstrap) {
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    KAFKA_BROKERS: bootstrap,
    ADMIN_TOKEN: 'bench-admin-token',
    GAME_SEED: 'bench',
    HOUSE_BOTS: '0',
    // The server's capacity is measured, not the room's per-trader limit (45 traders at thousands of orders a second).
    ACTION_RATE: '0',
    DATA_DIR: '',
  };
  const server = await spawnChild('a server', [mainJs], env, (out) => /Banana Market is open: http:\/\/localhost:(\d+)/.exec(out)?.[1]);
  server.url = `http://127.0.0.1:${server.up}`;
  return server;
}

export async function stopChild(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
  await proc.exited;
  clearTimeout(timer);
}

/** The server's resident memory now, in MB (Linux: /proc). */
export function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Math.round(Number(match[1]) / 1024);
}

/**
 * Waits until the servers share the 8 tasks (each owns some, each task one owner, as their
 * /api/health reports); '' then, else a note for the row saying what it measured instead.
 */
export async function clusterSettled(servers) {
  const deadline = performance.now() + LIMITS.clusterSettleSeconds * 1000;
  let last = '';
  while (performance.now() < deadline) {
    const down = servers.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).length;
    if (down > 0) return `  (${down} of ${servers.length} servers exited: ${last || 'before sharing the tasks'})`;
    const healths = await Promise.all(
      servers.map((s) =>
        fetch(`${s.url}${API_PATHS.health}`, { signal: AbortSignal.timeout(3_000) })
          .then((r) => r.json())
          .catch(() => undefined),
      ),
    );
    if (healths.some((h) => h !== undefined && !Array.isArray(h.tasks))) return '  (the servers report no tasks in /api/health)';
    const owned = healths.flatMap((h) => (h?.tasks ?? []).map((t) => t.partition));
    const split = healths.map((h) => h?.tasks?.length ?? 0);
    last = `tasks ${split.join('+')}`;
    if (split.every((n) => n > 0) && owned.length === 8 && new Set(owned).size === 8) return '';
    await sleep(250);
  }
  return `  (the tasks were not shared within ${LIMITS.clusterSettleSeconds} s: ${last})`;
}

/**
 * The load client, a plain kafkajs client as a 2018 player writes it: a producer writing orders to
 * `input`, a consumer reading answers from `output` read_committed (kafkajs' default), in batches.
 */
export async function kafkaClient(bootstrap, input, output) {
  const kafka = new Kafka({ clientId: `bench-${randomUUID()}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 50, readUncommitted: false });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [output], fromBeginning: false });
  let answer = () => undefined;
  await consumer.run({
    partitionsConsumedConcurrently: 8,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) answer(JSON.parse(message.value.toString()).txnId);
    },
  });
  await joined;
  return {
    send: (batch) => producer.send({ topic: input, messages: batch.map((o) => ({ key: o.key, value: o.value })) }),
    onAnswer: (fn) => {
      answer = fn;
    },
    close: async () => Promise.all([producer.disconnect(), consumer.disconnect()]),
  };
}

/** Creates the topics and waits until every partition has a leader (kafkajs' waitForLeaders can fail on a fresh topic: UNKNOWN_TOPIC_OR_PARTITION). */
export async function createTopics(admin, topics) {
  await admin.createTopics({ waitForLeaders: false, topics });
  const deadline = performance.now() + 30_000;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
    const ready = metadata?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (ready) return;
    if (performance.now() > deadline) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after 30 s`);
    await sleep(100);
  }
}
