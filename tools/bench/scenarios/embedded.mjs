/**
 * The rows without a broker: engine (the market engine alone, benchEngine) and embedded-memory /
 * embedded-e2e (the game server in this process on the embedded bus, benchEmbedded).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MarketEngine } from '@banana-market/engine';
import { TOPICS } from '@banana-market/protocol';
import { LIMITS, order } from '../lib/limits.mjs';
import { closedLoop, warmUp } from '../lib/loops.mjs';
import { report } from '../lib/report.mjs';

export function benchEngine() {
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

async function startServer(bus) {
  const { createGameServer } = await import('../../../apps/game-server/dist/server.js');
  const { loadServerConfig } = await import('../../../apps/game-server/dist/config/server-config.js');
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
export async function benchEmbedded({ durable, baselines }) {
  const { EmbeddedBus } = await import('../../../apps/game-server/dist/bus/embedded-bus.js');
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
