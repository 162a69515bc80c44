/**
 * A whole 3-hour game with the house bots, on the real server in virtual
 * time. The elapsed wall time is printed, not asserted (a benchmark's job).
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, TOPICS } from '@banana-market/protocol';
import { http, startTestServer, virtualClock } from './support/test-server.js';
import { runTicks } from './support/virtual-time.js';

const THREE_HOURS_MS = 3 * 60 * 60 * 1000;

describe('a 3-hour game in virtual time', () => {
  it('runs with the house bots trading, investing and feeding', { timeout: 180_000 }, async () => {
    const clock = virtualClock();
    const server = await startTestServer({ clock, env: { GAME_SEED: 'three-hours', HOUSE_BOTS: '3' } });
    try {
      const started = performance.now();
      const ticks = THREE_HOURS_MS / server.config.rules.tickMs;
      await runTicks(server, clock, ticks);
      const elapsed = performance.now() - started;
      const market = (await http(server, 'GET', '/api/market')).body;
      const board = (await http(server, 'GET', '/api/leaderboard')).body;
      console.log(
        `3-hour virtual game: ${ticks} ticks in ${(elapsed / 1000).toFixed(1)} s wall time; final price ${market.price.toFixed(3)}; ` +
          `house bots: ${board.traders.map((t: { name: string; score: number; fedMonkeys: number; bailouts: number }) => `${t.name} score ${t.score} (fed ${t.fedMonkeys}, bailouts ${t.bailouts})`).join('; ')}`,
      );
      expect(market.tick).toBe(ticks);
      expect(board.traders).toHaveLength(3);
      expect(board.traders.every((t: { team: string }) => t.team === 'HOUSE')).toBe(true);
      expect(board.traders.some((t: { fedMonkeys: number }) => t.fedMonkeys > 0)).toBe(true);
      const results = (await server.bus.readTopic(TOPICS.txnResults.name)).map((m) => decodeMessage.txnResult(m.value));
      const types = new Set(results.flatMap((r) => (r.ok && r.value.status === 'ACCEPTED' ? [r.value.type] : [])));
      expect([...types]).toEqual(expect.arrayContaining(['MARKET', 'INVEST', 'RETURN', 'FEED']));
    } finally {
      await server.close();
    }
  });
});
