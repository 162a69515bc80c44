#!/usr/bin/env node
/**
 * `npm run bench`: orders per second and latency (action → result) for
 *   engine         the market engine alone (no I/O)
 *   embedded-e2e   the game server on the durable embedded bus (a temporary data directory, as
 *                  users get it), orders in, results out
 *   embedded-memory the same on the memory-only embedded bus: the baseline embedded-e2e is
 *                  compared with (the cost of durability), measured in the same run
 *   kafka-e2e      the game server on a real Kafka broker, through outside kafkajs clients
 *   kafka-raw-pipe a bare kafkajs consume→produce pipe on the same broker, same message sizes:
 *                  the baseline kafka-e2e is compared with, measured in the same run
 *   kafka-servers-N N real servers (dist/main.js, one configuration) on the same broker, sharing
 *                  the game's 8 tasks (issue 16), N = 1, 2, 3: the same outside kafkajs clients
 *                  as kafka-e2e, the orders spread over the servers by their partitions
 * `--json` prints one JSON object per line. Bounded in orders and seconds;
 * loopback only. Runs the built server (npm run build first).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { MarketEngine } from '@banana-market/engine';
import { encode, TOPICS } from '@banana-market/protocol';

const { Kafka, logLevel, Partitioners } = kafkajs;
const USAGE = 'usage: npm run bench [-- --json]   (--json: one JSON object per line)';
let flags;
try {
  flags = parseArgs({ strict: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const json = flags.json;
const LIMITS = {
  engineOrders: 200_000,
  embeddedOrders: 20_000,
  kafkaOrders: 5_000,
  inFlight: 200,
  maxSeconds: 30,
  /** kafka-servers-N: how long the servers may take to start and share the tasks, and the orders that warm them up first. */
  clusterSettleSeconds: 20,
  clusterWarmUpOrders: 500,
  clusterWarmUpSeconds: 10,
};
const TRADERS = Array.from({ length: 45 }, (_, i) => ({ team: `TEAM${i % 9}`, name: `bench-${i}` }));

function report(scenario, orders, seconds, latencies, note = '') {
  latencies.sort((a, b) => a - b);
  const pick = (q) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  const row = { scenario, ordersPerSec: Math.round(orders / seconds), p50Ms: round(pick(0.5)), p99Ms: round(pick(0.99)) };
  if (json) console.log(JSON.stringify(row));
  else
    console.log(
      `${scenario.padEnd(15)} ${String(row.ordersPerSec).padStart(9)} orders/s   p50 ${fmt(row.p50Ms)} ms   p99 ${fmt(row.p99Ms)} ms  (${orders} orders)${note}`,
    );
  return row;
}
const round = (x) => Math.round(x * 1000) / 1000;
const fmt = (x) => String(x).padStart(8);
const log = (line) => (json ? process.stderr.write(`${line}\n`) : console.log(line));

/**
 * An order as a 2018 client writes it: alternating BUY 1 / SELL 1 so traders never run dry.
 * A row that plays a game an earlier row played (kafka-servers-N resume kafka-e2e's) uses txnIds
 * of its own: the game remembers txnIds, and would answer a repeated one from memory.
 */
function order(i, prefix = 'bench') {
  const trader = TRADERS[i % TRADERS.length];
  const type = Math.floor(i / TRADERS.length) % 2 === 0 ? 'BUY' : 'SELL';
  return {
    trader,
    key: encode.traderKey(trader),
    txnId: `${prefix}_${i}`,
    value: encode.marketOrder({ time: new Date().toISOString(), txnId: `${prefix}_${i}`, type, shares: 1 }),
  };
}

function benchEngine() {
  const engine = new MarketEngine({ seed: 'bench', startTime: 0 });
  const latencies = [];
  const started = performance.now();
  let n = 0;
  for (; n < LIMITS.engineOrders && performance.now() - started < LIMITS.maxSeconds * 1000; n++) {
    const { trader, txnId } = order(n);
    const t0 = performance.now();
    engine.executeMarketOrder(trader, { txnId, type: Math.floor(n / TRADERS.length) % 2 === 0 ? 'BUY' : 'SELL', shares: 1 }, 0);
    latencies.push(performance.now() - t0);
  }
  return report('engine', n, (performance.now() - started) / 1000, latencies);
}

/**
 * Drives a pipeline: keeps up to `inFlight` orders outstanding, sending the
 * free slots in one batch, and times each order until its answer arrives.
 */
async function drive(scenario, total, send, onAnswer, { quiet = false, prefix = 'bench', note = '', maxSeconds = LIMITS.maxSeconds } = {}) {
  const sentAt = new Map();
  const latencies = [];
  let next = 0;
  let answered = 0;
  let wake;
  onAnswer((txnId) => {
    const t0 = sentAt.get(txnId);
    if (t0 === undefined) return;
    sentAt.delete(txnId);
    latencies.push(performance.now() - t0);
    answered++;
    wake?.();
  });
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  while (answered < next || next < total) {
    if (performance.now() > deadline) break;
    const free = Math.min(LIMITS.inFlight - sentAt.size, total - next);
    if (free > 0) {
      const batch = Array.from({ length: free }, () => order(next++, prefix));
      const now = performance.now();
      for (const o of batch) sentAt.set(o.txnId, now);
      await send(batch);
    } else {
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (quiet) return undefined;
  return report(scenario, answered, seconds, latencies, `${answered < total ? `  (stopped at the ${maxSeconds} s bound)` : ''}${note}`);
}

async function startServer(bus) {
  const { createGameServer } = await import('../../apps/game-server/dist/server.js');
  const { loadServerConfig } = await import('../../apps/game-server/dist/config/server-config.js');
  const config = loadServerConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'bench-admin-token', GAME_SEED: 'bench', HOUSE_BOTS: '0' });
  const app = await createGameServer({ config, bus, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** `durable`: the bus keeps its topics in a temporary data directory (SQLite), as `npm start` does; else memory only. */
async function benchEmbedded({ durable, warmUp = false }) {
  const { EmbeddedBus } = await import('../../apps/game-server/dist/bus/embedded-bus.js');
  const dataDir = durable ? mkdtempSync(join(tmpdir(), 'banana-bench-')) : undefined;
  const bus = new EmbeddedBus({ dataDir });
  const app = await startServer(bus);
  try {
    return await drive(
      durable ? 'embedded-e2e' : 'embedded-memory',
      warmUp ? LIMITS.embeddedOrders / 4 : LIMITS.embeddedOrders,
      (batch) =>
        bus.publish(
          TOPICS.marketOrders.name,
          batch.map((o) => ({ key: o.key, value: o.value })),
        ),
      (answer) =>
        bus.subscribe({
          groupId: `bench-${randomUUID()}`,
          topics: [TOPICS.txnResults.name],
          commitOffsets: false,
          onMessage: (m) => answer(JSON.parse(m.value.toString()).txnId),
        }),
      { quiet: warmUp },
    );
  } finally {
    await app.close();
    await bus.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function kafkaClient(bootstrap, answers, topic) {
  const kafka = new Kafka({ clientId: `bench-${randomUUID()}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 50 });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  let answer = () => undefined;
  await consumer.run({ eachMessage: async ({ message }) => answer(JSON.parse(message.value.toString()).txnId) });
  await joined;
  return {
    kafka,
    producer,
    consumer,
    setAnswer: (fn) => (answer = fn),
    close: async () => Promise.all([producer.disconnect(), consumer.disconnect()]),
  };
}

async function benchKafkaE2e(bootstrap) {
  const { KafkaBus } = await import('../../apps/game-server/dist/bus/kafka-bus.js');
  const bus = await KafkaBus.connect({ brokers: [bootstrap], transactionalId: `bench-${randomUUID()}` });
  const app = await startServer(bus);
  const client = await kafkaClient(bootstrap, undefined, TOPICS.txnResults.name);
  try {
    return await drive(
      'kafka-e2e',
      LIMITS.kafkaOrders,
      (batch) => client.producer.send({ topic: TOPICS.marketOrders.name, messages: batch.map((o) => ({ key: o.key, value: o.value })) }),
      (answer) => client.setAnswer(answer),
    );
  } finally {
    await client.close();
    await app.close();
  }
}

/** The baseline: consume each order and produce an answer of the same size, nothing else. */
async function benchRawPipe(bootstrap) {
  const kafka = new Kafka({ clientId: 'bench-pipe', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const [input, output] = [`bench-in-${randomUUID()}`, `bench-out-${randomUUID()}`];
  await admin.createTopics({ waitForLeaders: true, topics: [input, output].map((topic) => ({ topic, numPartitions: 8 })) });
  const pipeProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await pipeProducer.connect();
  const pipe = kafka.consumer({ groupId: `bench-pipe-${randomUUID()}`, maxWaitTimeInMs: 50 });
  const joined = new Promise((resolve) => pipe.on(pipe.events.GROUP_JOIN, resolve));
  await pipe.connect();
  await pipe.subscribe({ topics: [input], fromBeginning: true });
  await pipe.run({
    eachMessage: async ({ message }) => {
      const { txnId } = JSON.parse(message.value.toString());
      const answer = JSON.stringify({
        txnId,
        type: 'MARKET',
        state: { time: new Date().toISOString(), coins: 9, shares: 6, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 },
        status: 'ACCEPTED',
      });
      await pipeProducer.send({ topic: output, messages: [{ key: message.key, value: answer }] });
    },
  });
  await joined;
  const client = await kafkaClient(bootstrap, undefined, output);
  try {
    return await drive(
      'kafka-raw-pipe',
      LIMITS.kafkaOrders,
      (batch) => client.producer.send({ topic: input, messages: batch.map((o) => ({ key: o.key, value: o.value })) }),
      (answer) => client.setAnswer(answer),
    );
  } finally {
    await client.close();
    await pipe.disconnect();
    await pipeProducer.disconnect();
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const mainJs = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));

/**
 * One real server (dist/main.js) as a child process, with the configuration every kafka-servers
 * row shares: the in-process servers' ADMIN_TOKEN and GAME_SEED, and no data directory, so that
 * the sealed game record's key comes from ADMIN_TOKEN and every server (and row) plays one game.
 */
function spawnServer(bootstrap) {
  const child = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      KAFKA_BROKERS: bootstrap,
      ADMIN_TOKEN: 'bench-admin-token',
      GAME_SEED: 'bench',
      HOUSE_BOTS: '0',
      DATA_DIR: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  child.stderr.on('data', (d) => output.push(d.toString()));
  const server = { child, output, exited, url: '', tail: () => output.join('').slice(-2_000) };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a server did not start within 60 s:\n${server.tail()}`)), 60_000);
    child.stdout.on('data', (d) => {
      output.push(d.toString());
      const port = /Banana Market is open: http:\/\/localhost:(\d+)/.exec(output.join(''))?.[1];
      if (port !== undefined && server.url === '') {
        clearTimeout(timer);
        server.url = `http://127.0.0.1:${port}`;
        resolve(server);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`a server exited with ${how} while starting:\n${server.tail()}`));
    });
  });
}

/** SIGTERM (a clean stop leaves the group at once), SIGKILL after 15 s. */
async function stopServer(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
  await server.exited;
  clearTimeout(timer);
}

/**
 * Waits until the servers share the 8 tasks (each owns some, each task one owner, as their
 * /api/health reports); '' then, else a note for the row saying what it measured instead.
 */
async function clusterSettled(servers) {
  const deadline = performance.now() + LIMITS.clusterSettleSeconds * 1000;
  let last = '';
  while (performance.now() < deadline) {
    const down = servers.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).length;
    if (down > 0) return `  (${down} of ${servers.length} servers exited: ${last || 'before sharing the tasks'})`;
    const healths = await Promise.all(
      servers.map((s) =>
        fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(3_000) })
          .then((r) => r.json())
          .catch(() => undefined),
      ),
    );
    if (healths.some((h) => h !== undefined && !Array.isArray(h.tasks))) return '  (the servers report no tasks in /api/health)';
    const owned = healths.flatMap((h) => (h?.tasks ?? []).map((t) => t.partition));
    const split = healths.map((h) => h?.tasks?.length ?? 0);
    last = `tasks ${split.join('+')}`;
    if (split.every((n) => n > 0) && owned.length === 8 && new Set(owned).size === 8) return '';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return `  (the tasks were not shared within ${LIMITS.clusterSettleSeconds} s: ${last})`;
}

/** N servers on one broker, one game: the first starts alone (it creates the topics), the others together. */
async function benchServers(bootstrap, n) {
  const servers = [];
  let client;
  try {
    servers.push(await spawnServer(bootstrap));
    servers.push(...(await Promise.all(Array.from({ length: n - 1 }, () => spawnServer(bootstrap)))));
    const settled = await clusterSettled(servers);
    client = await kafkaClient(bootstrap, undefined, TOPICS.txnResults.name);
    const run = Date.now().toString(36);
    const send = (batch) => client.producer.send({ topic: TOPICS.marketOrders.name, messages: batch.map((o) => ({ key: o.key, value: o.value })) });
    const onAnswer = (answer) => client.setAnswer(answer);
    // Unreported: the servers' code warms up (JIT) and their consumers reach the end of the topic.
    await drive(`kafka-servers-${n}`, LIMITS.clusterWarmUpOrders, send, onAnswer, {
      quiet: true,
      prefix: `bench${n}w${run}`,
      maxSeconds: LIMITS.clusterWarmUpSeconds,
    });
    const exited = servers.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).length;
    const note = `${settled}${exited > 0 ? `  (${exited} of ${n} servers exited during the warm-up)` : ''}`;
    return await drive(`kafka-servers-${n}`, LIMITS.kafkaOrders, send, onAnswer, { prefix: `bench${n}m${run}`, note });
  } finally {
    await client?.close();
    await Promise.all(servers.map(stopServer));
  }
}

async function main() {
  log(`Banana Market benchmark — ${LIMITS.inFlight} orders in flight, at most ${LIMITS.maxSeconds} s per scenario`);
  const rows = [benchEngine()];
  // Unreported: the server's code warms up (JIT) before either embedded row is measured, so the first is not the slower for it.
  await benchEmbedded({ durable: false, warmUp: true });
  const memory = await benchEmbedded({ durable: false });
  const durable = await benchEmbedded({ durable: true });
  rows.push(memory, durable);
  log(
    `embedded-e2e vs embedded-memory: ${(durable.ordersPerSec / memory.ordersPerSec).toFixed(2)}× the throughput, ${(durable.p50Ms / memory.p50Ms).toFixed(2)}× the median latency`,
  );
  const broker = process.env.KAFKA_BROKERS
    ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
    : await (await import('../kafka/broker.mjs')).brokerForTests();
  if (broker === undefined) {
    log('kafka scenarios skipped: no broker (see above)');
  } else {
    try {
      const e2e = await benchKafkaE2e(broker.bootstrap);
      const raw = await benchRawPipe(broker.bootstrap);
      rows.push(e2e, raw);
      log(
        `kafka-e2e vs kafka-raw-pipe: ${(e2e.ordersPerSec / raw.ordersPerSec).toFixed(2)}× the throughput, ${(e2e.p50Ms / raw.p50Ms).toFixed(2)}× the median latency`,
      );
      for (const n of [1, 2, 3]) {
        const row = await benchServers(broker.bootstrap, n);
        rows.push(row);
        log(
          `kafka-servers-${n} vs kafka-raw-pipe: ${(row.ordersPerSec / raw.ordersPerSec).toFixed(2)}× the throughput, ${(row.p50Ms / raw.p50Ms).toFixed(2)}× the median latency`,
        );
      }
    } finally {
      await broker.stop();
    }
  }
  return rows;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
