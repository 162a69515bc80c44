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
 * This file holds the usage, the flags and main() (which groups run, in which order); the rows' code is in
 * scenarios/ (embedded, kafka, flood, spectators), what they share in lib/ (limits, report, loops,
 * processes, players).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LIMITS } from './lib/limits.mjs';
import { header, log, setJsonOutput } from './lib/report.mjs';
import { benchEmbedded, benchEngine } from './scenarios/embedded.mjs';
import { benchFlood, benchKafkaFlood } from './scenarios/flood.mjs';
import { benchPipe, benchServer, benchServers } from './scenarios/kafka.mjs';
import { benchSpectators } from './scenarios/spectators.mjs';

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
const only = new Set(flags.only?.split(',') ?? GROUPS);

async function main() {
  setJsonOutput(flags.json);
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
