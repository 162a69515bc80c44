/**
 * The loads: closedLoop (a number of orders in flight), openLoop (orders due at a fixed rate) and warmUp
 * (an unreported closed loop). Each times every order from its sending (or due moment) to its answer.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIMITS, order } from './limits.mjs';
import { report } from './report.mjs';

/**
 * Closed loop: keeps up to `inFlight` orders outstanding, sending the free slots in one batch, and
 * times each order until its answer arrives. Bounded by `total` orders and `maxSeconds`.
 */
export async function closedLoop(
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
export async function openLoop(scenario, rate, send, onAnswer, { prefix, baselines, note = '' }) {
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

export const warmUp = (client, prefix) =>
  closedLoop('warm-up', LIMITS.warmUpOrders, client.send, client.onAnswer, { quiet: true, prefix, maxSeconds: LIMITS.warmUpSeconds });
