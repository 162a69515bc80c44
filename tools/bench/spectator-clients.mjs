#!/usr/bin/env node
/**
 * Spectators of `npm run bench -- --only spectators`, in a process of their own (the bench runs 2–4 of
 * these, each holding its share of the sockets, so that no one client process is the bottleneck):
 * `COUNT` plain `ws` sockets to `URL` (the game server's /ws, or the baseline's), read as the scoreboard
 * reads them (every frame a JSON `{event, data}`), no token.
 *
 *   node tools/bench/spectator-clients.mjs URL COUNT
 *
 * Talks to the bench over IPC: sends `{ready}` once every socket has its first frame (the welcome); on
 * `{go}` it records every frame each socket receives, until `{stop}`; then sends its `{results}`, closes
 * its sockets and exits. Per received frame it keeps:
 * - its lag, when the frame carries its own moment (`data.time` of price, gibb and game-event frames):
 *   receive time − that time, both read from this machine's clock (the server stamps with Date.now());
 * - the first and last moment any of its sockets received that frame (the same payload, the k-th time a
 *   socket receives that payload), so that the bench can measure the spread between the first and the last
 *   of all spectators to receive each broadcast — for every frame, leaderboards (no time) included.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!url || !Number.isInteger(count) || count <= 0) {
  console.error('usage: node tools/bench/spectator-clients.mjs URL COUNT (run by tools/bench/bench.mjs over IPC)');
  process.exit(2);
}
/** Sockets opened at once: a burst of 250 handshakes overflows nothing, but pacing them keeps the welcome sends short. */
const CONNECT_CONCURRENCY = 25;
/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes of this machine. */
const clock = () => performance.timeOrigin + performance.now();
const TIMED = new Set(['price', 'gibb', 'game-event']);

let recording = false;
let recordedFrom = 0;
let recordedUntil = 0;
/** Event → the lags of its frames' receipts (ms). */
const lags = {};
/** Frame key (payload hash#occurrence) → [first receipt, last receipt, receipts, event, bytes]. */
const frames = new Map();
const received = new Array(count).fill(0);
const problems = { closed: 0, errors: 0, unparsable: 0 };
const sockets = [];

function onFrame(index, seen, raw) {
  if (!recording) return;
  const at = clock();
  const text = raw.toString();
  const hash = createHash('sha1').update(text).digest('base64');
  const occurrence = seen.get(hash) ?? 0;
  seen.set(hash, occurrence + 1);
  const key = `${hash}#${occurrence}`;
  received[index]++;
  let frame = frames.get(key);
  if (frame === undefined) {
    let event = '?';
    try {
      const parsed = JSON.parse(text);
      event = parsed.event;
      const time = parsed.data?.time;
      if (TIMED.has(event) && typeof time === 'string') {
        frame = [at, at, 0, event, text.length, Date.parse(time)];
        lags[event] ??= [];
      }
    } catch {
      problems.unparsable++;
    }
    frame ??= [at, at, 0, event, text.length, undefined];
    frames.set(key, frame);
  }
  if (at < frame[0]) frame[0] = at;
  if (at > frame[1]) frame[1] = at;
  frame[2]++;
  // The frame's own moment was read once (the same payload carries the same time for every socket).
  if (frame[5] !== undefined) lags[frame[3]].push(at - frame[5]);
}

function open(index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const seen = new Map();
    let welcomed = false;
    socket.on('message', (raw) => {
      if (!welcomed) {
        welcomed = true;
        resolve(socket);
        return;
      }
      onFrame(index, seen, raw);
    });
    socket.on('error', (err) => {
      problems.errors++;
      if (!welcomed) reject(err);
    });
    socket.on('close', () => {
      if (recording) problems.closed++;
    });
  });
}

for (let next = 0; next < count; ) {
  const batch = [];
  for (; next < count && batch.length < CONNECT_CONCURRENCY; next++) batch.push(open(next));
  sockets.push(...(await Promise.all(batch)));
}
process.send({ ready: sockets.length });

process.on('message', async (message) => {
  if (message.go) {
    recordedFrom = clock();
    recording = true;
  } else if (message.stop) {
    recording = false;
    recordedUntil = clock();
    const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
    const results = {
      sockets: count,
      open,
      seconds: (recordedUntil - recordedFrom) / 1000,
      recordedFrom,
      recordedUntil,
      received,
      lags,
      frames: [...frames.entries()].map(([key, [first, last, receipts, event, bytes, time]]) => ({
        key,
        first,
        last,
        receipts,
        event,
        bytes,
        timed: time !== undefined,
      })),
      problems,
    };
    process.send({ results }, () => {
      for (const socket of sockets) socket.close();
      // Sockets that do not finish their closing handshake within 2 s are cut.
      setTimeout(() => {
        for (const socket of sockets) socket.terminate();
        process.exit(0);
      }, 2_000).unref();
      Promise.all(sockets.map((s) => (s.readyState === WebSocket.CLOSED ? undefined : new Promise((r) => s.once('close', r))))).then(() =>
        process.exit(0),
      );
    });
  }
});
process.on('disconnect', () => process.exit(0));
