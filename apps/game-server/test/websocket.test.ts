/**
 * The WebSocket gateway: live feed for everybody, actions for token holders,
 * clear errors for bad frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '@banana-market/engine';
import { http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

describe('WebSocket gateway', () => {
  let server: TestServer;
  let clock: VirtualClock;
  let token: string;

  beforeAll(async () => {
    clock = virtualClock();
    server = await startTestServer({ clock });
    token = (await http(server, 'POST', '/api/traders', { body: { team: 'GIBBON', name: 'ws' } })).body.token;
  });
  afterAll(() => server.close());

  it('welcomes with a snapshot, then streams prices, gibbs, game events and the leaderboard', async () => {
    const spectator = await TestSocket.open(server.wsUrl);
    const welcome = await spectator.next((f) => f.event === 'welcome');
    expect(welcome.data.market).toMatchObject({ tick: 0, status: 'running' });
    expect(welcome.data.leaderboard.traders.some((t: { name: string }) => t.name === 'ws')).toBe(true);

    clock.advance(server.config.rules.tickMs);
    const price = await spectator.next((f) => f.event === 'price');
    expect(price.data).toMatchObject({ tick: 1 });
    expect(typeof price.data.coins).toBe('number');
    expect(typeof price.data.forecast).toBe('number');

    await http(server, 'POST', '/api/gibbs', { body: { text: 'banana up up up' } });
    const gibb = await spectator.next((f) => f.event === 'gibb');
    expect(gibb.data.text).toBe('banana up up up');
    const hype = await spectator.next((f) => f.event === 'game-event' && f.data.type === 'HYPE_CHANGED');
    expect(hype.data.delta).toBeCloseTo(0.03, 9);

    await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 2 } });
    const board = await spectator.next((f) => f.event === 'leaderboard' && f.data.traders.some((t: { fedMonkeys: number }) => t.fedMonkeys === 2));
    expect(board.data.teams.find((t: { team: string }) => t.team === 'GIBBON').score).toBe(2);
    spectator.close();
  });

  it('acts for an authenticated trader and sends it its own results only', async () => {
    const player = await TestSocket.open(server.wsUrl);
    const other = await TestSocket.open(server.wsUrl);
    player.send('auth', { token });
    const auth = await player.next((f) => f.event === 'authenticated');
    expect(auth.data).toMatchObject({ team: 'GIBBON', name: 'ws' });

    player.send('market', { type: 'BUY', shares: 1, txnId: 'ws-buy-1' });
    const result = await player.next((f) => f.event === 'txn-result' && f.data.txnId === 'ws-buy-1');
    expect(result.data).toMatchObject({ type: 'MARKET', status: 'ACCEPTED' });
    const state = await player.next((f) => f.event === 'trader-state');
    expect(state.data.shares).toBe(result.data.state.shares);
    expect(player.frames.filter((f) => f.event === 'txn-result' && f.data.txnId === 'ws-buy-1')).toHaveLength(1);
    expect(other.frames.some((f) => f.event === 'txn-result')).toBe(false);
    player.close();
    other.close();
  });

  it('answers bad frames with an error naming what was wrong, and keeps the socket open', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    let seen = socket.frames.length;
    socket.sendRaw('{not json');
    expect((await socket.next((f) => f.event === 'error', 5000, seen)).data.message).toMatch(/^frame: expected valid JSON/);

    seen = socket.frames.length;
    socket.send('sell-everything', {});
    expect((await socket.next((f) => f.event === 'error', 5000, seen)).data.message).toMatch(/^event: expected one of/);

    seen = socket.frames.length;
    socket.send('feed', { monkeys: 1 });
    expect((await socket.next((f) => f.event === 'error', 5000, seen)).data.message).toMatch(/not authenticated/);

    seen = socket.frames.length;
    socket.send('auth', { token: 'nope' });
    expect((await socket.next((f) => f.event === 'error', 5000, seen)).data.message).toMatch(/unknown trader token/);

    socket.send('auth', { token });
    await socket.next((f) => f.event === 'authenticated');
    seen = socket.frames.length;
    socket.send('market', { type: 'BUY', shares: -2, txnId: 'neg' });
    const error = await socket.next((f) => f.event === 'error', 5000, seen);
    expect(error.data).toMatchObject({ txnId: 'neg' });
    expect(error.data.message).toMatch(/^data\.shares: /);

    seen = socket.frames.length;
    socket.sendRaw(JSON.stringify({ event: 'feed', data: { monkeys: 1, pad: 'x'.repeat(20_000) } }));
    expect((await socket.next((f) => f.event === 'error', 5000, seen)).data.message).toMatch(/^frame: expected at most/);

    socket.send('feed', { monkeys: 1, txnId: 'still-alive' });
    expect((await socket.next((f) => f.event === 'txn-result' && f.data.txnId === 'still-alive')).data.status).toBe('ACCEPTED');
    socket.close();
  });
});
