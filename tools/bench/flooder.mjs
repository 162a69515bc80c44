#!/usr/bin/env node
/**
 * The bench's flooding trader, in a process of its own (as it would be on another laptop): `IN_FLIGHT`
 * market orders in flight for `SECONDS`, over HTTP (each answer awaited before the next request on its
 * slot) or over one WebSocket (each answer — a result or an error frame — frees a slot). Prints its
 * answers by kind as one JSON line when done.
 *   node tools/bench/flooder.mjs http|ws URL TOKEN SECONDS IN_FLIGHT
 */
import WebSocket from 'ws';

const [path, url, token, seconds, inFlight] = process.argv.slice(2);
const until = Date.now() + Number(seconds) * 1000;
const answers = {};
const count = (kind) => (answers[kind] = (answers[kind] ?? 0) + 1);

if (path === 'http') {
  await Promise.all(
    Array.from({ length: Number(inFlight) }, async (_, slot) => {
      for (let i = 0; Date.now() < until; i++) {
        const response = await fetch(`${url}/api/actions/market`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ txnId: `flood-${slot}-${i}`, type: 'BUY', shares: 1 }),
        });
        await response.arrayBuffer();
        count(String(response.status));
      }
    }),
  );
} else {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let sent = 0;
  let outstanding = 0;
  const send = () => {
    while (outstanding < Number(inFlight) && Date.now() < until) {
      outstanding++;
      socket.send(JSON.stringify({ event: 'market', data: { txnId: `flood-${sent++}`, type: 'BUY', shares: 1 } }));
    }
  };
  await new Promise((resolve) => {
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.event === 'authenticated') return send();
      if (frame.event !== 'txn-result' && frame.event !== 'error') return;
      count(frame.event === 'error' ? (frame.data.code ?? 'error') : frame.data.status);
      outstanding--;
      if (Date.now() < until) send();
      else if (outstanding === 0) resolve();
    });
    socket.send(JSON.stringify({ event: 'auth', data: { token } }));
    setTimeout(resolve, Number(seconds) * 1000 + 5_000);
  });
  socket.close();
}
console.log(JSON.stringify(answers));
