/**
 * The spectators rows (issue 20): spectators-ws-baseline (a plain `ws` server broadcasting the game
 * server's recorded feed) and spectators-500 (the built server's live feed), each to 500 sockets held by
 * processes of their own (benchSpectators), with the feed's load (feedLoad) and the rows' figures
 * (spectatorReport).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PATHS } from '@banana-market/protocol';
import { LIMITS, order, RUN } from '../lib/limits.mjs';
import { httpPlayers } from '../lib/players.mjs';
import { mainJs, rssMb, spawnChild, spectatorBaselineJs, spectatorClientsJs, stopChild } from '../lib/processes.mjs';
import { fmt, percentile, printHeader, printRow, round } from '../lib/report.mjs';

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
  printRow(row, () => {
    const against = baseline === undefined ? '' : `${row.ratio}× ${row.baseline} (p50 ${row.p50Ratio}×, p99 ${row.p99Ratio}×)`;
    return `${scenario.padEnd(24)} ${row.load.padEnd(10)} ${fmt(row.framesPerSecond, 7)} ${fmt(row.p50Ms, 9)} ${fmt(row.p99Ms, 9)} ${fmt(open, 7)}  ${against}${note}`;
  });
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
export async function benchSpectators() {
  printHeader(
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
