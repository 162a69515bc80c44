/**
 * The coach decides who plays: the trader list (GET /api/traders), removing a
 * trader (DELETE /api/traders/{team}/{name}) on every path, the house bots'
 * team reserved, and HOUSE_IN_STANDINGS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encode, TOPICS } from '@banana-market/protocol';
import type { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { REMOVED_CLOSE_CODE } from '../src/live/live.gateway.js';
import { ADMIN_TOKEN, http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import { runTicks, settle } from './support/virtual-time.js';
import { TestSocket } from './support/ws-client.js';

describe("the coach's control over who plays", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const register = (s: TestServer, team: string, name: string) => http(s, 'POST', '/api/traders', { body: { team, name } });
  const buy = (s: TestServer, token: string, txnId: string) =>
    http(s, 'POST', '/api/actions/market', { token, body: { txnId, type: 'BUY', shares: 1 } });
  const kafkaOrder = (s: TestServer, key: string, txnId: string) =>
    (s.bus as EmbeddedBus).publish(TOPICS.marketOrders.name, [{ key, value: JSON.stringify({ txnId, type: 'BUY', shares: 1 }) }]);
  const answers = async (s: TestServer, topic: string, key: string) =>
    (await s.bus.readTopic(topic)).filter((m) => m.key?.toString() === key).map((m) => JSON.parse(m.value!.toString()));

  it("refuses to register into the house bots' team", async () => {
    server = await startTestServer({ env: { HOUSE_BOTS: '1' } });
    const refused = await register(server, 'HOUSE', 'feeder-1');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('team "HOUSE" is the house bots\' own (HOUSE_TEAM): register under your own team');
  });

  it('lists every trader for the admin only: paths, actions in the last minute, rejections and rate-limited ones', async () => {
    const clock = virtualClock();
    server = await startTestServer({ clock, env: { ACTION_RATE: '1', ACTION_BURST: '2' } });
    const s = server;
    const { token } = (await register(s, 'BONOBO', 'web')).body;
    expect((await buy(s, token, 'w1')).status).toBe(200);
    // A Kafka client that never registered: three orders at once, one over the limit.
    const raw = encode.traderKey({ team: 'DRILL', name: 'raw' });
    for (const txnId of ['k1', 'k2', 'k3']) await kafkaOrder(s, raw, txnId);
    await settle(s);

    expect((await http(s, 'GET', '/api/traders')).status).toBe(401);
    expect((await http(s, 'GET', '/api/traders', { token })).status).toBe(401);
    const listed = await http(s, 'GET', '/api/traders', { token: ADMIN_TOKEN });
    expect(listed.status).toBe(200);
    const now = new Date(clock.now()).toISOString();
    expect(listed.body.traders).toEqual([
      {
        team: 'BONOBO',
        name: 'web',
        removed: false,
        sockets: 0,
        paths: ['http'],
        lastActionAt: now,
        actionsLastMinute: 1,
        rejections: 0,
        rateLimited: 0,
      },
      {
        team: 'DRILL',
        name: 'raw',
        removed: false,
        sockets: 0,
        paths: ['kafka'],
        lastActionAt: now,
        actionsLastMinute: 3,
        rejections: 1,
        rateLimited: 1,
      },
    ]);

    const { socket } = await TestSocket.openAs(s, { team: 'CAPUCIN', name: 'socket' });
    try {
      const withSocket = (await http(s, 'GET', '/api/traders', { token: ADMIN_TOKEN })).body.traders;
      expect(withSocket.find((t: { name: string }) => t.name === 'socket')).toMatchObject({ sockets: 1, actionsLastMinute: 0, lastActionAt: null });
    } finally {
      socket.close();
    }
    // A minute later the counts of the last minute are empty again; totals stay.
    clock.advance(61_000);
    const later = (await http(s, 'GET', '/api/traders', { token: ADMIN_TOKEN })).body.traders;
    expect(later.find((t: { name: string }) => t.name === 'raw')).toMatchObject({ paths: [], actionsLastMinute: 0, rejections: 1, rateLimited: 1 });
  });

  it('removes a trader on every path: its token, its socket, its Kafka orders, its name', async () => {
    server = await startTestServer();
    const s = server;
    const { token } = (await register(s, 'ALOUATE', 'cheater')).body;
    const socket = await TestSocket.open(s.wsUrl);
    await socket.authenticate(token);
    expect((await buy(s, token, 'before')).body.status).toBe('ACCEPTED');

    expect((await http(s, 'DELETE', '/api/traders/ALOUATE/cheater')).status).toBe(401);
    expect((await http(s, 'DELETE', '/api/traders/ALOUATE/cheater', { token: ADMIN_TOKEN })).status).toBe(204);

    expect(await socket.closed).toEqual({ code: REMOVED_CLOSE_CODE, reason: 'trader ALOUATE/cheater was removed from the game by the coach' });
    const refusedHttp = await buy(s, token, 'after');
    expect(refusedHttp.status).toBe(401);
    expect(refusedHttp.body.message).toBe('Authorization: trader ALOUATE/cheater was removed from the game by the coach');
    const again = await TestSocket.open(s.wsUrl);
    try {
      again.send('auth', { token });
      expect((await again.next((f) => f.event === 'error')).data.message).toBe(
        'data.token: trader ALOUATE/cheater was removed from the game by the coach',
      );
    } finally {
      again.close();
    }

    const key = encode.traderKey({ team: 'ALOUATE', name: 'cheater' });
    const stateBefore = s.game.traderState({ team: 'ALOUATE', name: 'cheater' });
    await kafkaOrder(s, key, 'kafka-after');
    await settle(s);
    expect((await answers(s, TOPICS.txnRejections.name, key)).map((r) => [r.txnId, r.reason, r.field])).toEqual([
      ['kafka-after', 'trader ALOUATE/cheater was removed from the game by the coach', 'key'],
    ]);
    expect(s.game.traderState({ team: 'ALOUATE', name: 'cheater' })).toEqual(stateBefore);

    const reRegistered = await register(s, 'ALOUATE', 'cheater');
    expect(reRegistered.status).toBe(403);
    expect(reRegistered.body.message).toBe('trader ALOUATE/cheater was removed from the game by the coach');
    const list = (await http(s, 'GET', '/api/traders', { token: ADMIN_TOKEN })).body.traders;
    expect(list).toEqual([expect.objectContaining({ team: 'ALOUATE', name: 'cheater', removed: true })]);

    expect((await http(s, 'DELETE', '/api/traders/ALOUATE/nobody', { token: ADMIN_TOKEN })).status).toBe(404);
    const invalid = await http(s, 'DELETE', '/api/traders/ALOUATE/bad%20name', { token: ADMIN_TOKEN });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('closes the socket of a trader whose team and name are as long as allowed, with a shorter reason', async () => {
    server = await startTestServer();
    const trader = { team: 'T'.repeat(32), name: 'n'.repeat(64) };
    const { socket } = await TestSocket.openAs(server, trader);
    expect((await http(server, 'DELETE', `/api/traders/${trader.team}/${trader.name}`, { token: ADMIN_TOKEN })).status).toBe(204);
    expect(await socket.closed).toEqual({ code: REMOVED_CLOSE_CODE, reason: 'removed from the game by the coach' });
  });

  it('keeps the removal across a restart: the record is on trader-registrations', async () => {
    const { EmbeddedBus } = await import('../src/bus/embedded-bus.js');
    const bus = new EmbeddedBus();
    const kept = Object.create(bus, { close: { value: async () => undefined } }) as EmbeddedBus;
    server = await startTestServer({ bus: kept });
    const { token } = (await register(server, 'ALOUATE', 'gone')).body;
    expect((await http(server, 'DELETE', '/api/traders/ALOUATE/gone', { token: ADMIN_TOKEN })).status).toBe(204);
    await server.close();
    server = await startTestServer({ bus: kept });
    expect((await buy(server, token, 'after-restart')).status).toBe(401);
    expect((await register(server, 'ALOUATE', 'gone')).status).toBe(403);
  });

  it('leaves the house bots out of the standings with HOUSE_IN_STANDINGS=false', async () => {
    for (const [inStandings, expected] of [
      ['true', ['HOUSE', 'SAGOUIN']],
      ['false', ['SAGOUIN']],
    ] as const) {
      const clock = virtualClock();
      server = await startTestServer({ clock, env: { HOUSE_BOTS: '2', HOUSE_IN_STANDINGS: inStandings, TICK_MS: '100' } });
      await register(server, 'SAGOUIN', 'player');
      await runTicks(server, clock, 5);
      const board = (await http(server, 'GET', '/api/leaderboard')).body;
      expect([...new Set(board.traders.map((t: { team: string }) => t.team))].sort()).toEqual(expected);
      expect(board.teams.map((t: { team: string }) => t.team).sort()).toEqual(expected);
      await server.close();
      server = undefined;
    }
  });
});
