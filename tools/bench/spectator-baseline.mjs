#!/usr/bin/env node
/**
 * The baseline of the `spectators` rows of `npm run bench`, in a process of its own (as the game server
 * is): a plain `ws` WebSocketServer that broadcasts the game server's own feed, as the bench recorded it
 * from the built server under the same load (FRAMES: a JSON file `{welcome, frames: [{at, text}], period}`),
 * to every socket connected. Same shapes, same sizes, same rhythm (each frame at its recorded offset,
 * the recording replayed in a loop every `period` ms), so the same frames per second.
 *
 * `ws` used well, as its README broadcasts: each frame serialized once (JSON.stringify) at the moment it is
 * broadcast, and that one string sent to every open socket; no compression (the server has none either).
 * Frames that carry a time (price, gibb, game-event: `data.time`) are stamped with the moment of their
 * broadcast, so the spectators' lag is the fan-out's alone; leaderboards go out as recorded. Every new
 * socket gets the recorded welcome first, as the server's get theirs.
 *
 *   node tools/bench/spectator-baseline.mjs FRAMES
 *
 * Prints `listening PORT` once it listens on 127.0.0.1 (a free port); stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tools/bench/spectator-baseline.mjs FRAMES.json');
  process.exit(2);
}
const recording = JSON.parse(readFileSync(file, 'utf8'));
const TIMED = new Set(['price', 'gibb', 'game-event']);
const frames = recording.frames.map(({ at, text }) => ({ at, frame: JSON.parse(text) }));
if (frames.length === 0) {
  console.error('spectator-baseline: the recording holds no frames');
  process.exit(2);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket) => socket.send(recording.welcome));
wss.on('listening', () => console.log(`listening ${wss.address().port}`));

function broadcast({ frame }) {
  if (TIMED.has(frame.event) && typeof frame.data?.time === 'string') frame.data.time = new Date().toISOString();
  const text = JSON.stringify(frame);
  for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
}

// The recording replayed in a loop: frame i of loop n is due at start + n × period + at_i.
const started = performance.now();
let next = 0;
let loop = 0;
let timer;
function tick() {
  const now = performance.now();
  for (;;) {
    const due = started + loop * recording.period + frames[next].at;
    if (due > now) {
      timer = setTimeout(tick, Math.max(0, due - now));
      return;
    }
    broadcast(frames[next]);
    next++;
    if (next === frames.length) {
      next = 0;
      loop++;
    }
  }
}
tick();

process.once('SIGTERM', () => {
  clearTimeout(timer);
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
});
