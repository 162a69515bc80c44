/**
 * The flood rows (fair play, issue 18): calm traders alone and while one trader floods the server, over
 * HTTP and WebSocket on the embedded bus (benchFlood: calm-http, flood-http-64, flood-ws-64) and through a
 * kafkajs producer on the secured broker (benchKafkaFlood: calm-kafka, flood-kafka-producer).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PATHS } from '@banana-market/protocol';
import { LIMITS, RUN } from '../lib/limits.mjs';
import { floodJs, kafkaFloodJs, mainJs, rssMb, spawnChild, stopChild } from '../lib/processes.mjs';
import { report } from '../lib/report.mjs';

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
export async function benchFlood() {
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
export async function benchKafkaFlood() {
  const { startBroker } = await import('../../kafka/broker.mjs');
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
