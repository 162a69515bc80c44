/**
 * The starter bot and every built-in strategy, run by the same runner as
 * `npm run bot`, against a real game server with a fast tick — over the
 * WebSocket gateway and over a real Kafka broker.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '@banana-market/engine';
import type { TraderKey } from '@banana-market/protocol';
import { BananaClient, KafkaTransport, WsTransport, type BotTransport } from '@banana-market/sdk/client';
import { BotRunner } from '@banana-market/sdk/runner';
import { loadStrategy } from '@banana-market/sdk/runner';
import { busEnvironment, eventually, type BusEnvironment } from '../support/buses.js';
import { http, startTestServer, type TestServer } from '../support/test-server.js';

const STARTER = fileURLToPath(new URL('../../../../bots/my-bot.ts', import.meta.url));
const PLAYERS = [...Object.keys(STRATEGIES), STARTER];

describe.each(['embedded', 'kafka'] as const)('bots playing over %s', (kind) => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  const runners: BotRunner[] = [];
  const clients: BananaClient[] = [];

  beforeAll(async () => {
    env = await busEnvironment(kind);
    if (env === undefined) return;
    server = await startTestServer({ bus: await env.createBus(), env: { TICK_MS: '25', HOUSE_BOTS: '0', GAME_SEED: `bots-${kind}` } });
  }, 180_000);

  afterAll(async () => {
    for (const r of runners) r.stop();
    for (const c of clients) await c.close().catch(() => undefined);
    await server?.close();
    await env?.client.close();
    await env?.stop();
  }, 60_000);

  it('trades and feeds monkeys with the starter bot and every strategy', async (ctx) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const traders: TraderKey[] = [];
    for (const [i, spec] of PLAYERS.entries()) {
      const trader = { team: 'BOTS', name: `${kind}-${i}-${spec === STARTER ? 'starter' : spec}` };
      traders.push(trader);
      const transport: BotTransport =
        kind === 'kafka' ? new KafkaTransport({ brokers: env!.brokers!, trader }) : new WsTransport({ server: server.url, trader });
      const client = await BananaClient.connect(transport);
      clients.push(client);
      const runner = new BotRunner({ client, strategy: await loadStrategy(spec), seed: `seed-${i}`, log: () => undefined });
      runners.push(runner);
      void runner.run().catch((err: Error) => console.error(`${trader.name}: ${err.message}`));
    }
    // Over Kafka nobody registered: the first order creates the trader. Give the strategies time to act.
    const board = await eventually(
      async () => {
        const { body } = await http(server, 'GET', '/api/leaderboard');
        const mine = traders.map((t) => body.traders.find((s: { name: string }) => s.name === t.name));
        for (const [i, standing] of mine.entries()) expect(standing?.fedMonkeys, traders[i].name).toBeGreaterThan(0);
        return mine;
      },
      60_000,
      250,
    );
    console.log(`over ${kind}: ${board.map((s: { name: string; fedMonkeys: number; score: number }) => `${s.name} fed ${s.fedMonkeys}`).join(', ')}`);
  }, 120_000);
});
