#!/usr/bin/env node
/**
 * `npm run bench`: orders per second and latency (order → result) for
 *   engine              the market engine alone (no I/O)
 *   embedded-memory     the game server in this process on the memory-only embedded bus, 200 orders
 *                       in flight: the baseline of embedded-e2e (the cost of durability)
 *   embedded-e2e        the same on the durable embedded bus (a temporary data directory, as users get it)
 *   kafka-pipe-batched  baseline: a consume→answer pipe written with kafkajs, in a process of its own
 *                       (tools/bench/pipe.mjs): eachBatch, one send per batch, idempotent producer, no
 *                       transactions
 *   kafka-pipe-eos      baseline: the same pipe, exactly-once: every batch's answers and offsets in one
 *                       transaction (transaction → sendBatch → sendOffsets → commit), retries after 20 ms
 *   kafka-e2e           the built server (dist/main.js) in a process of its own on the same broker, 200
 *                       market orders in flight (closed loop) written by a plain kafkajs client, answers
 *                       read from txn-results read_committed
 *   kafka-e2e-20/-400   the same server, open loop: 20 and 400 orders/s for 10 s, latency counted from
 *                       the moment each order was due (so a stall delays every order due during it)
 *   kafka-http-e2e-100  the same server, 45 HTTP players POSTing /api/actions/market with their trader
 *                       tokens, 100 orders/s open loop
 *   kafka-servers-N     N built servers on the same broker sharing the game's 8 tasks (issue 16), N = 1,
 *                       2, 3, closed loop as kafka-e2e
 *   calm-http           six calm HTTP traders at 2 orders/s each on the built server (embedded bus, the
 *                       room's default ACTION_RATE): the baseline of the floods
 *   flood-http-64       the same calm traders while one trader floods with 64 HTTP requests in flight
 *                       (tools/bench/flooder.mjs, a process of its own)
 *   flood-ws-64         the same with 64 WebSocket frames in flight; the note gives the server's RSS
 *                       before the floods and after
 *   calm-kafka          the calm traders on the built server on the secured project broker
 *                       (kafka:start --secure, whose players' clients may write 32 KiB/s each)
 *   flood-kafka-producer  the same while a kafkajs producer with the players' credentials writes market
 *                       orders under one trader's key as fast as it can (tools/bench/kafka-flooder.mjs)
 *   spectators-ws-baseline  baseline: a plain `ws` WebSocketServer in a process of its own
 *                       (tools/bench/spectator-baseline.mjs) broadcasting the game server's own feed, recorded
 *                       under the same load (same frames, sizes and rhythm, ≈ 11 frames/s), to 500 sockets:
 *                       each frame serialized once and the same string sent to every socket
 *   spectators-500      the built server (embedded bus, a data directory, as `npm start` runs it) with 500
 *                       spectators at /ws while 45 HTTP players trade 12 orders/s and the coach posts a gibb
 *                       every 300 ms (price, leaderboard, gibb and game-event frames: ≈ 11 frames/s). The
 *                       sockets are held by 4 processes of their own (tools/bench/spectator-clients.mjs); a
 *                       row gives frames/s per spectator, the lag of every frame that carries its own time
 *                       (price, gibb, game-event: receipt − data.time, one machine's clock) and, in its note,
 *                       the spread from the first to the last spectator receiving each broadcast (leaderboards
 *                       too). Target (issue 20): p99 lag ≤ 200 ms.
 * Before any Kafka row the broker itself is warmed up (unreported: 20 s of the exactly-once pipe's load).
 * The pipes run the same loads as the server (closed loop, then open loop at 20, 400 and 100 orders/s,
 * rows kafka-pipe-*-R): every server row prints its ratio to both pipes under the same load. Pipes and
 * servers alike run outside the load client's process, each warmed up (unreported) first.
 * `--json` prints one JSON object per line. Bounded in orders and seconds; loopback only. Runs the
 * built server (npm run build first).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { MarketEngine } from '@banana-market/engine';
import { API_PATHS, encode, TOPICS } from '@banana-market/protocol';

const { Kafka, logLevel, Partitioners } = kafkajs;
const GROUPS = ['engine', 'embedded', 'pipes', 'server', 'servers', 'flood', 'kafka-flood', 'spectators'];
const USAGE = `usage: npm run bench [-- --json] [--only ${GROUPS.join(',')}]
  --json   one JSON object per line
  --only   run only these groups of rows (the server rows need the pipes for their ratios)`;
let flags;
try {
  flags = parseArgs({
    strict: true,
    options: { json: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }).values;
  const unknown = (flags.only?.split(',') ?? []).filter((g) => !GROUPS.includes(g));
  if (unknown.length > 0) throw new Error(`--only: unknown group ${unknown.join(', ')}; expected some of ${GROUPS.join(',')}`);
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const json = flags.json;
const only = new Set(flags.only?.split(',') ?? GROUPS);
const LIMITS = {
  engineOrders: 200_000,
  embeddedOrders: 20_000,
  kafkaOrders: 5_000,
  inFlight: 200,
  maxSeconds: 30,
  /**
   * Unreported orders (closed loop) that warm up each server and pipe process before its rows (bounded by
   * warmUpSeconds). After 1,000 a server's first closed loop ran at two thirds of its second one (it has far
   * more code to compile than a pipe); after 5,000 the first server's kafka-e2e still ran at 3.0-3.1k orders/s
   * where the next server, on the same broker a minute later, ran at 3.3-4.3k; after 20,000 at 3.9-4.2k
   * against 4.3k. The pipes' closed loops went up as much, so the ratios hardly moved.
   */
  warmUpOrders: 20_000,
  warmUpSeconds: 15,
  /**
   * Unreported, before the first Kafka row: the broker's own JIT warms up on an exactly-once pipe's load
   * (produce, fetch, transactions), so that the baselines, measured first, do not meet a cold broker.
   */
  brokerWarmUpOrders: 20_000,
  brokerWarmUpSeconds: 20,
  /** Open loop: how long orders are sent, and how long their answers are then awaited at most. */
  openSeconds: 10,
  drainSeconds: 10,
  /** The open-loop rates: [rate, baseline rows and server row]; 100/s is the HTTP players'. */
  rates: [20, 400, 100],
  /** kafka-servers-N: how long the servers may take to start and share the tasks. */
  clusterSettleSeconds: 20,
  /** The flood rows: calm traders and their rate, how long they are measured (after an unreported warm-up), the flood's requests in flight. */
  calmTraders: 6,
  calmRate: 2,
  calmSeconds: 10,
  calmWarmUpSeconds: 5,
  floodInFlight: 64,
  /**
   * The spectators rows: sockets, the processes holding them, how long each row is measured (after the
   * sockets settle), the server's feed recorded for the baseline (also the server's warm-up), the HTTP
   * players' orders a second and how often the coach posts a gibb (each a gibb frame and a HYPE_CHANGED
   * event: with the price and the leaderboard, throttled to 4 a second, ≥ 10 frames/s).
   */
  spectators: 500,
  spectatorProcesses: 4,
  spectatorSeconds: 10,
  spectatorSettleSeconds: 3,
  spectatorRecordSeconds: 15,
  spectatorOrdersPerSecond: 12,
  spectatorGibbMs: 300,
};
const TRADERS = Array.from({ length: 45 }, (_, i) => ({ team: `TEAM${i % 9}`, name: `bench-${i}` }));
/** One id per run: rows that play a game an earlier row played use txnIds of their own (the game answers a repeated one from memory). */
const RUN = Date.now().toString(36);

const round = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
const log = (line) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
const fmt = (x, width) => String(x ?? '-').padStart(width);

function percentile(sorted, q) {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * One row: `load` says how it was loaded ('closed 200' or 'open 20/s'), `baselines` the rows it is
 * compared with (the first is `baseline` and `ratio`, the throughput ratio; p50Ratio and p99Ratio
 * compare the latencies, > 1 meaning slower than the baseline).
 */
function report({ scenario, orders, seconds, latencies, load, unanswered = 0, note = '', baselines = [] }) {
  latencies.sort((a, b) => a - b);
  const row = {
    scenario,
    orders,
    seconds: round(seconds),
    ordersPerSecond: Math.round(orders / seconds),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    load,
  };
  if (unanswered > 0) row.unanswered = unanswered;
  const vs = baselines
    .filter((b) => b !== undefined)
    .map((b) => ({
      baseline: b.scenario,
      ratio: round(row.ordersPerSecond / b.ordersPerSecond),
      p50Ratio: round(row.p50Ms / b.p50Ms),
      p99Ratio: round(row.p99Ms / b.p99Ms),
    }));
  if (vs.length > 0)
    Object.assign(row, { baseline: vs[0].baseline, ratio: vs[0].ratio, p50Ratio: vs[0].p50Ratio, p99Ratio: vs[0].p99Ratio, baselines: vs });
  if (note) row.note = note.trim();
  if (json) console.log(JSON.stringify(row));
  else {
    const against = vs.map((v) => `${v.ratio}× ${v.baseline} (p50 ${v.p50Ratio}×, p99 ${v.p99Ratio}×)`).join('; ');
    console.log(
      `${scenario.padEnd(24)} ${load.padEnd(10)} ${fmt(row.ordersPerSecond, 7)} ${fmt(row.p50Ms, 9)} ${fmt(row.p99Ms, 9)} ${fmt(orders, 7)}  ${against}${unanswered > 0 ? `  (${unanswered} unanswered)` : ''}${note}`,
    );
  }
  return row;
}

function header() {
  if (!json)
    console.log(
      `${'scenario'.padEnd(24)} ${'load'.padEnd(10)} ${'orders/s'.padStart(7)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'orders'.padStart(7)}  vs baselines`,
    );
}

/** An order as a 2018 client writes it: alternating BUY 1 / SELL 1 so traders never run dry. */
function order(i, prefix = 'bench') {
  const trader = TRADERS[i % TRADERS.length];
  const type = Math.floor(i / TRADERS.length) % 2 === 0 ? 'BUY' : 'SELL';
  return {
    trader,
    type,
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
    const { trader, txnId, type } = order(n);
    const t0 = performance.now();
    engine.executeMarketOrder(trader, { txnId, type, shares: 1 }, 0);
    latencies.push(performance.now() - t0);
  }
  return report({ scenario: 'engine', orders: n, seconds: (performance.now() - started) / 1000, latencies, load: 'loop' });
}

/**
 * Closed loop: keeps up to `inFlight` orders outstanding, sending the free slots in one batch, and
 * times each order until its answer arrives. Bounded by `total` orders and `maxSeconds`.
 */
async function closedLoop(
  scenario,
  total,
  send,
  onAnswer,
  { quiet = false, prefix = 'bench', note = '', maxSeconds = LIMITS.maxSeconds, baselines } = {},
) {
  const sentAt = new Map();
  const latencies = [];
  let next = 0;
  let wake;
  onAnswer((txnId) => {
    const t0 = sentAt.get(txnId);
    if (t0 === undefined) return;
    sentAt.delete(txnId);
    latencies.push(performance.now() - t0);
    wake?.();
  });
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  while (sentAt.size > 0 || next < total) {
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
  onAnswer(() => undefined);
  if (quiet) return undefined;
  const bounded = latencies.length < total ? `  (stopped at the ${maxSeconds} s bound)` : '';
  return report({ scenario, orders: latencies.length, seconds, latencies, load: `closed ${LIMITS.inFlight}`, note: `${bounded}${note}`, baselines });
}

/**
 * Open loop: order i is due at start + i / rate, whatever the answers do, for `openSeconds`; its
 * latency counts from when it was due (no coordinated omission). `send(batch, dueAt)` sends the
 * orders due so far; `onAnswer` registers the callback of answers by txnId. Then waits for the
 * outstanding answers, `drainSeconds` at most.
 */
async function openLoop(scenario, rate, send, onAnswer, { prefix, baselines, note = '' }) {
  const total = Math.round(rate * LIMITS.openSeconds);
  const dueAt = new Map();
  const latencies = [];
  let done;
  const allAnswered = new Promise((resolve) => (done = resolve));
  let next = 0;
  onAnswer((txnId) => {
    const t0 = dueAt.get(txnId);
    if (t0 === undefined) return;
    dueAt.delete(txnId);
    latencies.push(performance.now() - t0);
    if (next === total && dueAt.size === 0) done();
  });
  const started = performance.now();
  const due = (i) => started + (i * 1000) / rate;
  while (next < total) {
    const now = performance.now();
    const until = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
    if (until > next) {
      const batch = [];
      for (; next < until; next++) {
        const o = order(next, prefix);
        dueAt.set(o.txnId, due(next));
        batch.push(o);
      }
      await send(batch);
    } else {
      await sleep(Math.max(1, due(next) - now));
    }
  }
  if (dueAt.size === 0) done();
  await Promise.race([allAnswered, sleep(LIMITS.drainSeconds * 1000)]);
  const seconds = (performance.now() - started) / 1000;
  onAnswer(() => undefined);
  return report({ scenario, orders: latencies.length, seconds, latencies, load: `open ${rate}/s`, unanswered: dueAt.size, note, baselines });
}

async function startServer(bus) {
  const { createGameServer } = await import('../../apps/game-server/dist/server.js');
  const { loadServerConfig } = await import('../../apps/game-server/dist/config/server-config.js');
  // ACTION_RATE=0: a capacity benchmark; 45 traders at thousands of orders a second are far over the room's per-trader limit.
  const config = loadServerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: 'bench-admin-token',
    GAME_SEED: 'bench',
    HOUSE_BOTS: '0',
    ACTION_RATE: '0',
  });
  const app = await createGameServer({ config, bus, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * `durable`: the bus keeps its topics in a temporary data directory (SQLite), as `npm start` does; else
 * memory only. Each row's server first answers unreported orders (as the Kafka rows' do): the durable
 * path's code is not warmed up by another row's server, and the JIT's work is not measured.
 */
async function benchEmbedded({ durable, baselines }) {
  const { EmbeddedBus } = await import('../../apps/game-server/dist/bus/embedded-bus.js');
  const dataDir = durable ? mkdtempSync(join(tmpdir(), 'banana-bench-')) : undefined;
  const bus = new EmbeddedBus({ dataDir });
  const app = await startServer(bus);
  let answer = () => undefined;
  await bus.subscribe({
    groupId: `bench-${randomUUID()}`,
    topics: [TOPICS.txnResults.name],
    commitOffsets: false,
    onMessage: (m) => answer(JSON.parse(m.value.toString()).txnId),
  });
  const send = (batch) =>
    bus.publish(
      TOPICS.marketOrders.name,
      batch.map((o) => ({ key: o.key, value: o.value })),
    );
  const onAnswer = (fn) => {
    answer = fn;
  };
  const scenario = durable ? 'embedded-e2e' : 'embedded-memory';
  try {
    await warmUp({ send, onAnswer }, `${scenario}-w`);
    return await closedLoop(scenario, LIMITS.embeddedOrders, send, onAnswer, { prefix: scenario, baselines });
  } finally {
    await app.close();
    await bus.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The load client, a plain kafkajs client as a 2018 player writes it: a producer writing orders to
 * `input`, a consumer reading answers from `output` read_committed (kafkajs' default), in batches.
 */
async function kafkaClient(bootstrap, input, output) {
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

const mainJs = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));
const pipeJs = fileURLToPath(new URL('./pipe.mjs', import.meta.url));
const floodJs = fileURLToPath(new URL('./flooder.mjs', import.meta.url));
const kafkaFloodJs = fileURLToPath(new URL('./kafka-flooder.mjs', import.meta.url));
const spectatorBaselineJs = fileURLToPath(new URL('./spectator-baseline.mjs', import.meta.url));
const spectatorClientsJs = fileURLToPath(new URL('./spectator-clients.mjs', import.meta.url));

/** A child process that is up once `isUp(all output so far)` holds, within 60 s. */
function spawnChild(what, args, env, isUp) {
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
async function spawnServer(bootstrap) {
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

/** The server's resident memory now, in MB (Linux: /proc). */
function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Math.round(Number(match[1]) / 1024);
}

/**
 * Fair play (issue 18): calm traders' order → result latency over HTTP, alone and while one trader
 * floods the same server over HTTP, then over WebSocket. The server is the built one on its embedded
 * bus with a data directory, as `npm start` runs it, with the room's default rate limit.
 */
/**
 * Six calm traders (LIMITS.calmTraders) on the server at `url`, each sending an HTTP market order every
 * 1/calmRate s (or as soon as its last one is answered, if later): `run` measures them for some
 * seconds, `row` reports a run against baselines; `refused` counts their orders that were not taken.
 */
async function calmRoom(url) {
  const post = (path, token, body) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
  const register = async (team, name) => (await (await post(API_PATHS.traders, undefined, { team, name })).json()).token;
  const calm = await Promise.all(Array.from({ length: LIMITS.calmTraders }, (_, i) => register('CALM', `calm-${i}`)));
  const room = {
    register,
    refused: 0,
    run: async (seconds, tag) => {
      const latencies = [];
      const started = performance.now();
      await Promise.all(
        calm.map(async (token, t) => {
          for (let i = 0; i < seconds * LIMITS.calmRate; i++) {
            const due = started + (i * 1000) / LIMITS.calmRate;
            await sleep(Math.max(0, due - performance.now()));
            const t0 = performance.now();
            const response = await post(API_PATHS.marketAction, token, {
              txnId: `${tag}-${RUN}-${t}-${i}`,
              type: i % 2 === 0 ? 'BUY' : 'SELL',
              shares: 1,
            });
            const body = await response.json();
            latencies.push(performance.now() - t0);
            if (response.status !== 200 || body.reason?.startsWith('RATE_LIMITED')) room.refused++;
          }
        }),
      );
      return { latencies, seconds: (performance.now() - started) / 1000 };
    },
    row: (scenario, run, baselines, note) =>
      report({
        scenario,
        orders: run.latencies.length,
        seconds: run.seconds,
        latencies: run.latencies,
        load: `open ${LIMITS.calmTraders * LIMITS.calmRate}/s`,
        baselines,
        note,
      }),
  };
  return room;
}

/** A flooding child process (flooder.mjs or kafka-flooder.mjs) during a measured calm run: the run, and what the flooder printed. */
async function duringFlood(room, args, tag) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.once('exit', resolve));
  await sleep(1_000);
  const run = await room.run(LIMITS.calmSeconds, tag);
  await done;
  return { run, flooder: out.trim() };
}

/**
 * Fair play (issue 18): calm traders' order → result latency over HTTP, alone and while one trader
 * floods the same server over HTTP, then over WebSocket. The server is the built one on its embedded
 * bus with a data directory, as `npm start` runs it, with the room's default rate limit.
 */
async function benchFlood() {
  const dataDir = mkdtempSync(join(tmpdir(), 'banana-flood-'));
  const server = await spawnChild(
    'the flood server',
    [mainJs],
    { PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'bench-admin-token', GAME_SEED: 'flood', HOUSE_BOTS: '0', DATA_DIR: dataDir },
    (out) => /Banana Market is open: http:\/\/localhost:(\d+)/.exec(out)?.[1],
  );
  const url = `http://127.0.0.1:${server.up}`;
  try {
    const room = await calmRoom(url);
    const flooder = await room.register('FLOOD', 'flooder');
    const flood = (path, tag) => duringFlood(room, [floodJs, path, url, flooder, String(LIMITS.calmSeconds + 2), String(LIMITS.floodInFlight)], tag);

    await room.run(LIMITS.calmWarmUpSeconds, 'warm');
    const baseline = room.row('calm-http', await room.run(LIMITS.calmSeconds, 'calm'), []);
    const rssBefore = rssMb(server.child.pid);
    const http = await flood('http', 'flood-http');
    const httpRow = room.row(`flood-http-${LIMITS.floodInFlight}`, http.run, [baseline], `  flooder's answers ${http.flooder}`);
    const ws = await flood('ws', 'flood-ws');
    await sleep(3_000);
    const rssAfter = rssMb(server.child.pid);
    const wsRow = room.row(
      `flood-ws-${LIMITS.floodInFlight}`,
      ws.run,
      [baseline],
      `  flooder's answers ${ws.flooder}; server RSS ${rssBefore} MB before the floods, ${rssAfter} MB 3 s after; calm orders refused: ${room.refused}`,
    );
    return [baseline, httpRow, wsRow];
  } finally {
    await stopChild(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Fair play on Kafka (issue 18): the same calm traders on the built server on the project's secured
 * broker (`kafka:start --secure`: the players' user limited per client), alone and while a kafkajs
 * producer with the players' credentials writes market orders under one trader's key as fast as it can.
 */
async function benchKafkaFlood() {
  const { startBroker } = await import('../kafka/broker.mjs');
  const broker = await startBroker({ secure: true });
  const { server: serverUser, player } = broker.users;
  let server;
  try {
    server = await spawnChild(
      'the Kafka flood server',
      [mainJs],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        KAFKA_BROKERS: broker.bootstrap,
        KAFKA_SASL_USERNAME: serverUser.username,
        KAFKA_SASL_PASSWORD: serverUser.password,
        ADMIN_TOKEN: 'bench-admin-token',
        GAME_SEED: 'kafka-flood',
        HOUSE_BOTS: '0',
        DATA_DIR: '',
      },
      (out) => /Banana Market is open: http:\/\/localhost:(\d+)/.exec(out)?.[1],
    );
    const url = `http://127.0.0.1:${server.up}`;
    const room = await calmRoom(url);
    await room.register('FLOOD', 'kafka-flooder');
    await room.run(LIMITS.calmWarmUpSeconds, 'kwarm');
    const baseline = room.row('calm-kafka', await room.run(LIMITS.calmSeconds, 'kcalm'), []);
    const seconds = String(LIMITS.calmSeconds + 2);
    const flood = await duringFlood(
      room,
      [kafkaFloodJs, broker.bootstrap, 'FLOOD', 'kafka-flooder', seconds, player.username, player.password],
      'kflood',
    );
    await sleep(3_000);
    const traders = await (await fetch(`${url}${API_PATHS.traders}`, { headers: { authorization: 'Bearer bench-admin-token' } })).json();
    const seen = traders.traders?.find((t) => t.name === 'kafka-flooder');
    return [
      baseline,
      room.row(
        'flood-kafka-producer',
        flood.run,
        [baseline],
        `  flooder wrote ${flood.flooder}; the server rate-limited ${seen?.rateLimited ?? '?'} of them; calm orders refused: ${room.refused}`,
      ),
    ];
  } finally {
    if (server !== undefined) await stopChild(server);
    await broker.stop();
  }
}

/**
 * Spectators (issue 20, item 6): the live feed's fan-out to LIMITS.spectators sockets, held by
 * LIMITS.spectatorProcesses processes of their own (spectator-clients.mjs). `url` is the socket's
 * address; resolves once every socket has its welcome, with `measure(seconds)` (each process's results)
 * and `close()`.
 */
async function spectatorCrowd(url) {
  const n = LIMITS.spectators;
  const procs = LIMITS.spectatorProcesses;
  const children = [];
  const close = () =>
    Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await new Promise((resolve) => child.once('exit', resolve));
        clearTimeout(timer);
      }),
    );
  try {
    await Promise.all(
      Array.from({ length: procs }, (_, i) => {
        const share = Math.floor(n / procs) + (i < n % procs ? 1 : 0);
        const child = spawn(process.execPath, [spectatorClientsJs, url, String(share)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        children.push(child);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${share} spectators did not connect to ${url} within 60 s`)), 60_000);
          child.once('message', (m) => {
            clearTimeout(timer);
            resolve(m.ready);
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`a spectator process exited with ${code} while connecting to ${url}`));
          });
        });
      }),
    );
  } catch (err) {
    for (const child of children) child.kill('SIGKILL');
    throw err;
  }
  return {
    close,
    measure: async (seconds) => {
      const results = children.map((child) => new Promise((resolve) => child.once('message', (m) => resolve(m.results))));
      for (const child of children) child.send({ go: true });
      await sleep(seconds * 1000);
      for (const child of children) child.send({ stop: true });
      return Promise.all(results);
    },
  };
}

/**
 * A spectators row from the processes' results: frames/s received per spectator; the lag of every frame
 * that carries its own moment (price, gibb, game-event: receive time − data.time, same machine clock);
 * and, for every broadcast all sockets received (leaderboards too), the spread from the first spectator
 * to receive it to the last. `p50Ratio`/`p99Ratio` compare the lags with the baseline's.
 */
function spectatorReport(scenario, results, baseline, extra = '') {
  const sockets = results.reduce((s, r) => s + r.sockets, 0);
  const open = results.reduce((s, r) => s + r.open, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  const perSocket = results.flatMap((r) => r.received);
  const receipts = perSocket.reduce((s, x) => s + x, 0);
  const lagsByKind = {};
  for (const r of results) for (const [kind, l] of Object.entries(r.lags)) lagsByKind[kind] = (lagsByKind[kind] ?? []).concat(l);
  for (const l of Object.values(lagsByKind)) l.sort((a, b) => a - b);
  const lags = Object.values(lagsByKind)
    .flat()
    .sort((a, b) => a - b);
  const broadcasts = new Map();
  for (const r of results)
    for (const f of r.frames) {
      const b = broadcasts.get(f.key);
      if (b === undefined) broadcasts.set(f.key, { ...f });
      else Object.assign(b, { first: Math.min(b.first, f.first), last: Math.max(b.last, f.last), receipts: b.receipts + f.receipts });
    }
  const complete = [...broadcasts.values()].filter((b) => b.receipts === sockets);
  const spreads = complete.map((b) => b.last - b.first).sort((a, b) => a - b);
  const kinds = {};
  for (const b of complete) kinds[b.event] = (kinds[b.event] ?? 0) + 1;
  const bytes = complete.reduce((s, b) => s + b.bytes, 0) / Math.max(1, complete.length);
  const problems = results.reduce((p, r) => ({ closed: p.closed + r.problems.closed, errors: p.errors + r.problems.errors }), {
    closed: 0,
    errors: 0,
  });
  const row = {
    scenario,
    connections: open,
    seconds: round(seconds),
    framesPerSecond: Math.round((receipts / sockets / seconds) * 10) / 10,
    frames: receipts,
    p50Ms: round(percentile(lags, 0.5)),
    p99Ms: round(percentile(lags, 0.99)),
    maxMs: round(lags.at(-1) ?? Number.NaN),
    timedFrames: lags.length,
    spreadP50Ms: round(percentile(spreads, 0.5)),
    spreadP99Ms: round(percentile(spreads, 0.99)),
    spreadMaxMs: round(spreads.at(-1) ?? Number.NaN),
    broadcasts: complete.length,
    partialBroadcasts: broadcasts.size - complete.length,
    kinds,
    p99MsByKind: Object.fromEntries(Object.entries(lagsByKind).map(([kind, l]) => [kind, round(percentile(l, 0.99))])),
    meanFrameBytes: Math.round(bytes),
    load: `${sockets} ws`,
  };
  if (baseline !== undefined)
    Object.assign(row, {
      baseline: baseline.scenario,
      ratio: round(row.framesPerSecond / baseline.framesPerSecond),
      p50Ratio: round(row.p50Ms / baseline.p50Ms),
      p99Ratio: round(row.p99Ms / baseline.p99Ms),
    });
  const list = (o) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const parts = [
    `spread p50 ${row.spreadP50Ms} / p99 ${row.spreadP99Ms} / max ${row.spreadMaxMs} ms over ${complete.length} broadcasts` +
      (row.partialBroadcasts > 0 ? ` (${row.partialBroadcasts} more reached only some sockets: the window's edges)` : ''),
    `${list(kinds)}; ${row.meanFrameBytes} B a frame`,
    `lag max ${row.maxMs} ms over ${lags.length} timed frames, p99 ${list(row.p99MsByKind)} ms`,
    `slowest socket ${(Math.min(...perSocket) / seconds).toFixed(1)} frames/s`,
  ];
  if (problems.closed + problems.errors > 0) parts.push(`${problems.closed} sockets closed, ${problems.errors} errors`);
  const note = `  ${parts.join('; ')}${extra}`;
  row.note = note.trim();
  if (json) console.log(JSON.stringify(row));
  else {
    const against = baseline === undefined ? '' : `${row.ratio}× ${row.baseline} (p50 ${row.p50Ratio}×, p99 ${row.p99Ratio}×)`;
    console.log(
      `${scenario.padEnd(24)} ${row.load.padEnd(10)} ${fmt(row.framesPerSecond, 7)} ${fmt(row.p50Ms, 9)} ${fmt(row.p99Ms, 9)} ${fmt(open, 7)}  ${against}${note}`,
    );
  }
  return row;
}

const FEED_GIBBS = [
  'bananas are great, buy buy #MKTD',
  'this banana bubble will burst, sell now',
  'so happy with my banana plantation #MKTD',
  'bad day for bananas, so sad',
];

/**
 * What keeps the feed at ≥ 10 frames/s: a room of 45 HTTP players (httpPlayers) trading
 * LIMITS.spectatorOrdersPerSecond market orders a second between them, evenly spaced (each trade changes
 * the leaderboard, pushed 4 times a second at most, the 45 traders' standings in each), and a gibb posted
 * by the coach every LIMITS.spectatorGibbMs (a gibb frame and its HYPE_CHANGED event), over the price's
 * one frame per tick and the house bots. Returns `stop()`.
 */
function feedLoad(url, players, prefix) {
  let i = 0;
  const trading = setInterval(() => players.send([order(i++, prefix)]), 1000 / LIMITS.spectatorOrdersPerSecond);
  let g = 0;
  const gibbs = setInterval(() => {
    fetch(`${url}${API_PATHS.gibbs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token' },
      body: JSON.stringify({ text: FEED_GIBBS[g++ % FEED_GIBBS.length] }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        if (response.status !== 202) players.failures.push(`gibb ${response.status}`);
      },
      (err) => players.failures.push(`gibb ${err.name}`),
    );
  }, LIMITS.spectatorGibbMs);
  return () => {
    clearInterval(trading);
    clearInterval(gibbs);
  };
}

/** One socket's view of the server's feed for `seconds`: its welcome, and every frame with its offset (ms). */
async function recordFeed(wsUrl, seconds) {
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
  const recording = { welcome: undefined, frames: [], period: seconds * 1000 };
  let started;
  socket.on('message', (raw) => {
    if (recording.welcome === undefined) {
      recording.welcome = raw.toString();
      started = performance.now();
    } else recording.frames.push({ at: Math.round(performance.now() - started), text: raw.toString() });
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  await sleep(seconds * 1000 + 200);
  socket.close();
  return recording;
}

/**
 * The spectators rows: the built server (embedded bus, a data directory, as `npm start` runs it) under
 * a small trading load with 500 spectators at /ws, and its baseline, a plain `ws` server broadcasting
 * the server's own recorded feed (spectator-baseline.mjs). The recording is made first, under the load
 * (it warms the server up too); the baseline is measured while the server idles (its load paused).
 */
async function benchSpectators() {
  if (!json)
    console.log(
      `${'spectators'.padEnd(24)} ${'sockets'.padEnd(10)} ${'frames/s'.padStart(7)} ${'lag p50'.padStart(9)} ${'lag p99'.padStart(9)} ${'open'.padStart(7)}  vs baseline (frames/s per spectator; lag in ms)`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'banana-spectators-'));
  const server = await spawnChild(
    'the spectators server',
    [mainJs],
    { PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'bench-admin-token', GAME_SEED: 'spectators', DATA_DIR: join(dir, 'data') },
    (out) => /Banana Market is open: http:\/\/localhost:(\d+)/.exec(out)?.[1],
  );
  const url = `http://127.0.0.1:${server.up}`;
  let stopLoad;
  let baselineServer;
  let crowd;
  try {
    const players = await httpPlayers(url);
    stopLoad = feedLoad(url, players, `spectrec${RUN}`);
    const recording = await recordFeed(`${url.replace(/^http/, 'ws')}${API_PATHS.websocket}`, LIMITS.spectatorRecordSeconds);
    stopLoad();
    stopLoad = undefined;
    const file = join(dir, 'feed.json');
    writeFileSync(file, JSON.stringify(recording));

    baselineServer = await spawnChild('the spectators baseline', [spectatorBaselineJs, file], {}, (out) => /listening (\d+)/.exec(out)?.[1]);
    crowd = await spectatorCrowd(`ws://127.0.0.1:${baselineServer.up}`);
    await sleep(LIMITS.spectatorSettleSeconds * 1000);
    const baseline = spectatorReport('spectators-ws-baseline', await crowd.measure(LIMITS.spectatorSeconds));
    await crowd.close();
    crowd = undefined;
    await stopChild(baselineServer);

    stopLoad = feedLoad(url, players, `spect${RUN}`);
    crowd = await spectatorCrowd(`${url.replace(/^http/, 'ws')}${API_PATHS.websocket}`);
    await sleep(LIMITS.spectatorSettleSeconds * 1000);
    const results = await crowd.measure(LIMITS.spectatorSeconds);
    const rss = rssMb(server.child.pid);
    stopLoad();
    stopLoad = undefined;
    const failed =
      players.failures.length > 0 ? `; load requests failed: ${players.failures.length} (${[...new Set(players.failures)].join(', ')})` : '';
    const row = spectatorReport(`spectators-${LIMITS.spectators}`, results, baseline, `; server RSS ${rss} MB${failed}`);
    return [baseline, row];
  } finally {
    stopLoad?.();
    await crowd?.close();
    if (baselineServer !== undefined) await stopChild(baselineServer);
    await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stopChild(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
  await proc.exited;
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

const warmUp = (client, prefix) =>
  closedLoop('warm-up', LIMITS.warmUpOrders, client.send, client.onAnswer, { quiet: true, prefix, maxSeconds: LIMITS.warmUpSeconds });

/** Creates the topics and waits until every partition has a leader (kafkajs' waitForLeaders can fail on a fresh topic: UNKNOWN_TOPIC_OR_PARTITION). */
async function createTopics(admin, topics) {
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

/**
 * A baseline pipe (tools/bench/pipe.mjs, `mode` batched or eos) in its own process on topics of its
 * own shaped as market-orders and txn-results (8 partitions; the game's topics hold the game), under
 * the loads the server gets: closed loop, then open loop at each rate. Returns its rows by load.
 */
async function benchPipe(bootstrap, mode, { brokerWarmUp = false } = {}) {
  const name = `kafka-pipe-${mode}`;
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const [input, output] = [`bench-${mode}-orders-${RUN}`, `bench-${mode}-results-${RUN}`];
  await createTopics(admin, [
    { topic: input, numPartitions: TOPICS.marketOrders.partitions },
    { topic: output, numPartitions: TOPICS.txnResults.partitions },
  ]);
  let pipe;
  let client;
  try {
    pipe = await spawnChild(name, [pipeJs, mode, bootstrap, input, output], {}, (out) => (out.includes('ready') ? true : undefined));
    client = await kafkaClient(bootstrap, input, output);
    await warmUp(client, `${mode}w`);
    if (brokerWarmUp) {
      await closedLoop('broker warm-up', LIMITS.brokerWarmUpOrders, client.send, client.onAnswer, {
        quiet: true,
        prefix: `${mode}b`,
        maxSeconds: LIMITS.brokerWarmUpSeconds,
      });
      return {};
    }
    const rows = { closed: await closedLoop(name, LIMITS.kafkaOrders, client.send, client.onAnswer, { prefix: `${mode}c` }) };
    for (const rate of LIMITS.rates)
      rows[rate] = await openLoop(`${name}-${rate}`, rate, client.send, client.onAnswer, { prefix: `${mode}o${rate}` });
    if (pipe.child.exitCode !== null) log(`${name}: the pipe exited: ${pipe.tail()}`);
    return rows;
  } finally {
    await client?.close();
    if (pipe !== undefined) {
      await stopChild(pipe);
      const stats = /stats (\{.*\})/.exec(pipe.output.join(''))?.[1];
      if (stats !== undefined && !brokerWarmUp) {
        const s = JSON.parse(stats);
        const per =
          mode === 'eos'
            ? `${s.transactions} transactions, ${(s.answers / s.transactions).toFixed(1)}`
            : `${s.sends} sends, ${(s.answers / s.sends).toFixed(1)}`;
        log(`${name}: ${s.answers} answers in ${s.batches} batches; ${per} answers each`);
      }
    }
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** HTTP players: 45 traders registered through POST /api/traders, each order a POST /api/actions/market with its token. */
async function httpPlayers(url) {
  const tokens = [];
  for (const [i, trader] of TRADERS.entries()) {
    const response = await fetch(`${url}${API_PATHS.traders}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ team: trader.team, name: `h${RUN}-${i}` }),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`registering a trader: HTTP ${response.status} ${await response.text()}`);
    tokens.push((await response.json()).token);
  }
  let answer = () => undefined;
  const failures = [];
  return {
    failures,
    onAnswer: (fn) => {
      answer = fn;
    },
    /** Each order its own request, not awaited: players do not wait for one another. */
    send: async (batch) => {
      for (const o of batch) {
        const i = Number(o.txnId.slice(o.txnId.lastIndexOf('_') + 1));
        fetch(`${url}${API_PATHS.marketAction}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
          body: JSON.stringify({ type: o.type, shares: 1, txnId: o.txnId }),
          signal: AbortSignal.timeout(30_000),
        }).then(
          async (response) => {
            await response.arrayBuffer();
            if (response.status === 200) answer(o.txnId);
            else failures.push(response.status);
          },
          (err) => failures.push(err.name),
        );
      }
    },
  };
}

/** The built server in its own process: kafka-e2e (closed loop), kafka-e2e-20 and -400 (open loop), kafka-http-e2e-100. */
async function benchServer(bootstrap, pipes) {
  const vs = (load) => [pipes.eos?.[load], pipes.batched?.[load]];
  const rows = [];
  let server;
  let client;
  try {
    server = await spawnServer(bootstrap);
    const settled = await clusterSettled([server]);
    client = await kafkaClient(bootstrap, TOPICS.marketOrders.name, TOPICS.txnResults.name);
    await warmUp(client, `e2e${RUN}w`);
    rows.push(
      await closedLoop('kafka-e2e', LIMITS.kafkaOrders, client.send, client.onAnswer, {
        prefix: `e2e${RUN}c`,
        note: settled,
        baselines: vs('closed'),
      }),
    );
    for (const rate of [20, 400])
      rows.push(await openLoop(`kafka-e2e-${rate}`, rate, client.send, client.onAnswer, { prefix: `e2e${RUN}o${rate}`, baselines: vs(rate) }));
    const players = await httpPlayers(server.url);
    const http = await openLoop('kafka-http-e2e-100', 100, players.send, players.onAnswer, { prefix: `http${RUN}`, baselines: vs(100) });
    if (players.failures.length > 0)
      log(`kafka-http-e2e-100: ${players.failures.length} requests failed (${[...new Set(players.failures)].join(', ')})`);
    rows.push(http);
    return rows;
  } finally {
    await client?.close();
    if (server !== undefined) await stopChild(server);
  }
}

/** N servers on one broker, one game: the first starts alone (it creates the topics), the others together. */
async function benchServers(bootstrap, n, baselines) {
  const servers = [];
  let client;
  try {
    servers.push(await spawnServer(bootstrap));
    servers.push(...(await Promise.all(Array.from({ length: n - 1 }, () => spawnServer(bootstrap)))));
    const settled = await clusterSettled(servers);
    client = await kafkaClient(bootstrap, TOPICS.marketOrders.name, TOPICS.txnResults.name);
    // Unreported: the servers' code warms up (JIT) and their consumers reach the end of the topic.
    await warmUp(client, `bench${n}w${RUN}`);
    const exited = servers.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).length;
    const note = `${settled}${exited > 0 ? `  (${exited} of ${n} servers exited during the warm-up)` : ''}`;
    return await closedLoop(`kafka-servers-${n}`, LIMITS.kafkaOrders, client.send, client.onAnswer, { prefix: `bench${n}m${RUN}`, note, baselines });
  } finally {
    await client?.close();
    await Promise.all(servers.map(stopChild));
  }
}

async function main() {
  const started = performance.now();
  log(
    `Banana Market benchmark — closed loop: ${LIMITS.inFlight} orders in flight (at most ${LIMITS.kafkaOrders} Kafka orders, ${LIMITS.maxSeconds} s); open loop: ${LIMITS.openSeconds} s at each rate`,
  );
  header();
  const rows = only.has('engine') ? [benchEngine()] : [];
  if (only.has('embedded')) {
    const memory = await benchEmbedded({ durable: false });
    rows.push(memory, await benchEmbedded({ durable: true, baselines: [memory] }));
  }
  if (only.has('flood')) rows.push(...(await benchFlood()));
  if (only.has('kafka-flood')) rows.push(...(await benchKafkaFlood()));
  if (only.has('spectators')) rows.push(...(await benchSpectators()));
  if (!['pipes', 'server', 'servers'].some((g) => only.has(g))) {
    log(`(${Math.round((performance.now() - started) / 1000)} s)`);
    return rows;
  }
  const broker = process.env.KAFKA_BROKERS
    ? { bootstrap: process.env.KAFKA_BROKERS, stop: async () => undefined }
    : await (await import('../kafka/broker.mjs')).brokerForTests();
  if (broker === undefined) {
    log('kafka scenarios skipped: no broker (see above)');
  } else {
    try {
      const pipes = {};
      await benchPipe(broker.bootstrap, 'eos', { brokerWarmUp: true });
      if (only.has('pipes'))
        for (const mode of ['batched', 'eos']) {
          pipes[mode] = await benchPipe(broker.bootstrap, mode);
          rows.push(...Object.values(pipes[mode]));
        }
      if (only.has('server')) rows.push(...(await benchServer(broker.bootstrap, pipes)));
      if (only.has('servers'))
        for (const n of [1, 2, 3]) rows.push(await benchServers(broker.bootstrap, n, [pipes.eos?.closed, pipes.batched?.closed]));
    } finally {
      await broker.stop();
    }
  }
  log(`(${Math.round((performance.now() - started) / 1000)} s)`);
  return rows;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
