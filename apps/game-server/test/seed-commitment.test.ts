/**
 * The seed is secret while the game runs: a player who knew it could foresee
 * the price walk. Everything a player can read over HTTP and WebSocket is
 * searched for it, from the first frame through ticks, trades, a gibb and a
 * pause; the end then reveals it, and it must match the commitment every
 * player was given at the start.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '@banana-market/engine';
import { parseServerFrame } from '@banana-market/protocol';
import { ADMIN_TOKEN, http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import { TestSocket, type Frame } from './support/ws-client.js';

/** Long and unusual: finding it in a frame cannot be a coincidence. */
const SECRET = `Secret-Seed_${randomUUID()}_qZx7`;
const NEXT_SECRET = `Next-Secret_${randomUUID()}_wKj3`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const isGameEvent = (type: string) => (f: Frame) => f.event === 'game-event' && f.data.type === type;

describe('the seed commitment over HTTP and WebSocket', () => {
  let server: TestServer;
  let clock: VirtualClock;
  const sockets: TestSocket[] = [];
  /** The text of every answer a player (not the coach) got over HTTP. */
  const playerAnswers: string[] = [];

  async function asPlayer(method: string, path: string, options: { body?: unknown; token?: string } = {}) {
    const answer = await http(server, method, path, options);
    playerAnswers.push(JSON.stringify(answer.body));
    return answer;
  }

  async function open(): Promise<TestSocket> {
    const socket = await TestSocket.open(server.wsUrl);
    sockets.push(socket);
    await socket.next((f) => f.event === 'welcome');
    return socket;
  }

  function expectValidFrames(socket: TestSocket): void {
    for (const raw of socket.raw) {
      const parsed = parseServerFrame(raw);
      expect(parsed.ok ? undefined : parsed.problem).toBeUndefined();
    }
  }

  beforeAll(async () => {
    clock = virtualClock();
    server = await startTestServer({ clock, env: { GAME_SEED: SECRET, HOUSE_BOTS: '2' } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  it('is in no frame and no player answer while the game runs, and the end reveals the committed seed', async () => {
    const spectator = await open();
    const welcome = spectator.frames[0];
    expect(welcome.event).toBe('welcome');
    expect(welcome.data.seedCommitment).toBe(sha256(SECRET));
    expect(welcome.data).not.toHaveProperty('seed');

    const token = (await asPlayer('POST', '/api/traders', { body: { team: 'GIBBON', name: 'secret-keeper' } })).body.token as string;
    const player = await open();
    player.send('auth', { token });
    await player.next((f) => f.event === 'authenticated');

    for (let tick = 1; tick <= 5; tick++) {
      clock.advance(server.config.rules.tickMs);
      await spectator.next((f) => f.event === 'price' && f.data.tick === tick);
    }
    player.send('market', { type: 'BUY', shares: 2, txnId: 'secret-buy' });
    player.send('invest', { invested: 1, txnId: 'secret-invest' });
    player.send('feed', { monkeys: 1, txnId: 'secret-feed' });
    for (const txnId of ['secret-buy', 'secret-invest', 'secret-feed']) {
      expect((await player.next((f) => f.event === 'txn-result' && f.data.txnId === txnId)).data.status).toBe('ACCEPTED');
    }
    await asPlayer('POST', '/api/actions/market', { token, body: { type: 'SELL', shares: 1, txnId: 'secret-http-sell' } });
    await asPlayer('POST', '/api/gibbs', { body: { text: 'banana great #MKTD' } });
    await spectator.next(isGameEvent('HYPE_CHANGED'));

    // The coach's answers may show the seed (the coach is not a player); what the players see of it may not.
    expect((await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN })).body.seed).toBe(SECRET);
    await spectator.next(isGameEvent('GAME_PAUSED'));
    clock.advance(10_000);
    await http(server, 'POST', '/api/game/resume', { token: ADMIN_TOKEN });
    await spectator.next(isGameEvent('GAME_RESUMED'));
    clock.advance(server.config.rules.tickMs * 3);
    // The house bots traded on the ticks.
    await spectator.next((f) => f.event === 'leaderboard' && f.data.traders.some((t: { team: string }) => t.team === 'HOUSE'));
    const latecomer = await open();
    expect(latecomer.frames[0].data).toMatchObject({ seedCommitment: sha256(SECRET), market: { status: 'running' } });
    expect(latecomer.frames[0].data).not.toHaveProperty('seed');
    for (const path of ['/api/market', '/api/leaderboard', '/api/health', '/api/gibbs/sources']) await asPlayer('GET', path);

    const allFrames = [spectator, player, latecomer].flatMap((s) => s.raw);
    expect(allFrames.length).toBeGreaterThan(20);
    for (const raw of allFrames) expect(raw).not.toContain(SECRET);
    for (const answer of playerAnswers) expect(answer).not.toContain(SECRET);
    for (const socket of [spectator, player, latecomer]) expectValidFrames(socket);

    // The end reveals the seed, and it is the one the welcome committed to.
    expect((await http(server, 'POST', '/api/game/end', { token: ADMIN_TOKEN })).status).toBe(200);
    const ended = await spectator.next(isGameEvent('GAME_ENDED'));
    expect(ended.data).toMatchObject({ seed: SECRET, seedCommitment: welcome.data.seedCommitment });
    expect(sha256(ended.data.seed)).toBe(welcome.data.seedCommitment);
    expect((await player.next(isGameEvent('GAME_ENDED'))).data.seed).toBe(SECRET);

    const afterTheEnd = await open();
    expect(afterTheEnd.frames[0].data).toMatchObject({ seed: SECRET, seedCommitment: sha256(SECRET), market: { status: 'ended' } });
    expectValidFrames(afterTheEnd);
  });

  it("commits to a reset game's new seed, keeps it secret, and reveals it at that game's end", async () => {
    const spectator = await open();
    const reset = await http(server, 'POST', '/api/game/reset', { token: ADMIN_TOKEN, body: { seed: NEXT_SECRET } });
    expect(reset.body).toEqual({ status: 'running', endsAt: null, remainingMs: null, seed: NEXT_SECRET });
    const announced = await spectator.next(isGameEvent('GAME_RESET'));
    expect(announced.data.seedCommitment).toBe(sha256(NEXT_SECRET));
    expect(announced.data).not.toHaveProperty('seed');
    clock.advance(server.config.rules.tickMs * 2);
    await spectator.next((f) => f.event === 'price' && f.data.tick === 2);
    const welcome = (await open()).frames[0];
    expect(welcome.data.seedCommitment).toBe(sha256(NEXT_SECRET));
    expect(welcome.data).not.toHaveProperty('seed');
    for (const raw of sockets.flatMap((s) => s.raw)) expect(raw).not.toContain(NEXT_SECRET);

    await http(server, 'POST', '/api/game/end', { token: ADMIN_TOKEN });
    const ended = await spectator.next((f) => isGameEvent('GAME_ENDED')(f) && f.data.seed === NEXT_SECRET);
    expect(sha256(ended.data.seed)).toBe(announced.data.seedCommitment);
  });
});
