/**
 * Same seed + same inputs → the same game: identical share-price and
 * txn-results sequences, with house bots and players acting over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { TOPICS } from '@banana-market/protocol';
import { http, startTestServer, virtualClock } from './support/test-server.js';
import { runTicks } from './support/virtual-time.js';

async function playScriptedGame(seed: string): Promise<{ prices: string[]; results: string[]; states: string[] }> {
  const clock = virtualClock();
  const server = await startTestServer({ clock, env: { GAME_SEED: seed, HOUSE_BOTS: '3' } });
  try {
    const alice = (await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: 'alice' } })).body.token;
    const bob = (await http(server, 'POST', '/api/traders', { body: { team: 'CAPUCIN', name: 'bob' } })).body.token;
    await runTicks(server, clock, 300, async (tick) => {
      if (tick % 7 === 0)
        await http(server, 'POST', '/api/actions/market', {
          token: alice,
          body: { type: tick % 14 === 0 ? 'SELL' : 'BUY', shares: 1, txnId: `a${tick}` },
        });
      if (tick % 11 === 0) await http(server, 'POST', '/api/actions/invest', { token: bob, body: { invested: 2, txnId: `b${tick}` } });
      if (tick % 13 === 0) await http(server, 'POST', '/api/actions/feed', { token: bob, body: { monkeys: 1, txnId: `f${tick}` } });
      if (tick % 50 === 0) await http(server, 'POST', '/api/gibbs', { body: { text: 'banana to the moon, buy buy buy #MKTD' } });
    });
    const text = async (topic: string) => (await server.bus.readTopic(topic)).map((m) => `${m.partition}|${m.key}|${m.value}`);
    return { prices: await text(TOPICS.sharePrice.name), results: await text(TOPICS.txnResults.name), states: await text(TOPICS.traderStates.name) };
  } finally {
    await server.close();
  }
}

describe('determinism', () => {
  it('replays the same game from the same seed and inputs', async () => {
    const first = await playScriptedGame('replay-me');
    const second = await playScriptedGame('replay-me');
    expect(first.prices).toHaveLength(300);
    expect(first.results.length).toBeGreaterThan(100);
    expect(first.results.some((r) => r.includes('"RETURN"'))).toBe(true);
    expect(second.prices).toEqual(first.prices);
    expect(second.results).toEqual(first.results);
    expect(second.states).toEqual(first.states);
  });

  it('plays a different game from another seed', async () => {
    const first = await playScriptedGame('seed-a');
    const other = await playScriptedGame('seed-b');
    expect(other.prices).not.toEqual(first.prices);
  });
});
