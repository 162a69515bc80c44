/**
 * Virtual time stays exact across a restart: a game stopped and restored
 * from its data directory, and the same game played without a stop (same
 * seed, same inputs), write the same prices, results and states from the
 * restore point on — on the durable embedded bus, through real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '@banana-market/engine';
import { TOPICS } from '@banana-market/protocol';
import { EmbeddedBus, readEmbeddedTopic } from '../src/bus/embedded-bus.js';
import { http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import { runTicks } from './support/virtual-time.js';

const SEED = 'restored-game';
const TICKS = 240;
/** Plantations return within the script; bursts are likely with its gibbs. */
const RULES = JSON.stringify({ investDelayMs: 20_000, burstProbabilityPerHype: 2, burstStepMs: 3000 });

const open: TestServer[] = [];
const dataDirs: string[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data directory of the test's own, removed after it. */
function dataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
}

async function startOn(dataDir: string, clock: VirtualClock): Promise<TestServer> {
  const bus = new EmbeddedBus({ dataDir, now: () => clock.now() });
  const server = await startTestServer({ clock, bus, env: { GAME_SEED: SEED, GAME_RULES: RULES } });
  open.push(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  open.splice(open.indexOf(server), 1);
  await server.close();
  await server.bus.close();
}

/** The inputs of tick `tick`: trades, plantations, feeding, gibbs and a pause, the same for every game. */
async function play(server: TestServer, tokens: Record<string, string>, tick: number): Promise<void> {
  if (tick % 5 === 0) {
    await http(server, 'POST', '/api/actions/market', {
      token: tokens.alice,
      body: { type: tick % 10 === 0 ? 'SELL' : 'BUY', shares: 2, txnId: `a${tick}` },
    });
  }
  if (tick % 9 === 0) await http(server, 'POST', '/api/actions/invest', { token: tokens.bob, body: { invested: 3, txnId: `b${tick}` } });
  if (tick % 13 === 0) await http(server, 'POST', '/api/actions/feed', { token: tokens.bob, body: { monkeys: 1, txnId: `f${tick}` } });
  if (tick % 40 === 0) await http(server, 'POST', '/api/gibbs', { body: { text: 'banana good yes happy buy #MKTD' } });
  // A retry of an order answered before the restart: answered from memory, on both games.
  if (tick % 37 === 0) await http(server, 'POST', '/api/actions/market', { token: tokens.alice, body: { type: 'BUY', shares: 2, txnId: 'a5' } });
  if (tick === 100) await http(server, 'POST', '/api/game/pause', { token: server.config.adminToken });
  if (tick === 150) await http(server, 'POST', '/api/game/resume', { token: server.config.adminToken });
}

async function register(server: TestServer): Promise<Record<string, string>> {
  const alice = (await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: 'alice' } })).body.token;
  const bob = (await http(server, 'POST', '/api/traders', { body: { team: 'CAPUCIN', name: 'bob' } })).body.token;
  return { alice, bob };
}

/** Every record of the topics a game writes, as text, in log order (a posted gibb's id is a fresh UUID in every game). */
function written(dataDir: string): Record<string, string[]> {
  const topics = [TOPICS.sharePrice.name, TOPICS.txnResults.name, TOPICS.traderStates.name, TOPICS.gameEvents.name];
  const text = (m: { partition: number; key: Buffer | null; value: Buffer | null }) =>
    `${m.partition}|${m.key}|${m.value}`.replace(/"gibbId":"gibber:[^"]*"/, '"gibbId":"(posted)"');
  return Object.fromEntries(topics.map((topic) => [topic, readEmbeddedTopic(dataDir, topic).map(text)]));
}

describe('a game restored from its data directory', () => {
  // Cut points: before the pause, while paused, with plantations growing and after a burst.
  it.each([37, 120, 181])(
    'writes what the uninterrupted game writes when stopped after tick %i',
    async (cut) => {
      const whole = dataDir('banana-whole-');
      const cutDir = dataDir('banana-cut-');

      const clockA = virtualClock();
      const uninterrupted = await startOn(whole, clockA);
      const tokensA = await register(uninterrupted);
      await runTicks(uninterrupted, clockA, TICKS, (tick) => play(uninterrupted, tokensA, tick));
      await stop(uninterrupted);

      const clockB = virtualClock();
      const first = await startOn(cutDir, clockB);
      const tokensB = await register(first);
      await runTicks(first, clockB, cut, (tick) => play(first, tokensB, tick));
      await stop(first);
      // The restarted server: a new process would have a new clock, at the same virtual time.
      const clockC = new VirtualClock(clockB.now());
      const restored = await startOn(cutDir, clockC);
      // The next tick after the last one published (ticks stop while the game is paused).
      expect(restored.game.market().tick).toBe(readEmbeddedTopic(cutDir, TOPICS.sharePrice.name).length);
      expect(restored.game.status).toBe(cut >= 100 && cut < 150 ? 'paused' : 'running');
      await runTicks(restored, clockC, TICKS - cut, (tick) => play(restored, tokensB, tick + cut));
      await stop(restored);

      const expected = written(whole);
      const actual = written(cutDir);
      expect(expected[TOPICS.sharePrice.name].length).toBeGreaterThan(100);
      expect(expected[TOPICS.txnResults.name].some((r) => r.includes('"RETURN"'))).toBe(true);
      expect(expected[TOPICS.gameEvents.name].some((r) => r.includes('BUBBLE_BURST_STEP'))).toBe(true);
      for (const topic of Object.keys(expected)) expect(actual[topic], topic).toEqual(expected[topic]);
    },
    120_000,
  );
});
