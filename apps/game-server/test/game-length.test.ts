/**
 * A game with a length, in virtual time through the real HTTP API: GAME_DURATION
 * ends it on the dot, `endsAt` and `remainingMs` say so all along (frozen while
 * paused), an action after the end is REJECTED `GAME_OVER`, and with
 * GAME_START=manual the lobby waits for the coach's start; extend moves the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '@banana-market/protocol';
import { VirtualClock } from '@banana-market/engine';
import { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from './support/test-server.js';
import { settle } from './support/virtual-time.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 11, 4, 14, 0, 0);

describe('a game with a length', () => {
  let server: TestServer | undefined;
  let clock: VirtualClock;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (env: Record<string, string>) => {
    clock = new VirtualClock(START);
    const bus = new EmbeddedBus({ now: () => clock.now() });
    server = await startTestServer({ clock, bus, env: { TICK_MS: '60000', ...env } });
    await settle(server);
    return server;
  };
  /** Moves the game clock to `at` (ms after START), letting the server settle after every minute. */
  const advanceTo = async (at: number) => {
    while (clock.now() < START + at) {
      clock.advance(Math.min(MINUTE, START + at - clock.now()));
      await settle(server!);
    }
  };
  const market = async () =>
    (await http(server!, 'GET', '/api/market')).body as { status: string; endsAt: string | null; remainingMs: number | null };
  const coach = (command: string, body?: unknown) => http(server!, 'POST', `/api/game/${command}`, { token: ADMIN_TOKEN, body });
  const iso = (at: number) => new Date(START + at).toISOString();
  const gameEvents = async () =>
    (await server!.bus.readTopic(TOPICS.gameEvents.name)).map((m) => JSON.parse(m.value!.toString()) as { type: string; time: string });

  it('GAME_DURATION=30m ends the game at 30:00 exactly; an action after it is REJECTED GAME_OVER', async () => {
    const game = await start({ GAME_DURATION: '30m' });
    const token = (await http(game, 'POST', '/api/traders', { body: { team: 'CLOCK', name: 'alice' } })).body.token as string;
    const feed = () => http(game, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 } });
    expect(await market()).toMatchObject({ status: 'running', endsAt: iso(30 * MINUTE), remainingMs: 30 * MINUTE });

    await advanceTo(12 * MINUTE + 500);
    expect(await market()).toMatchObject({ status: 'running', endsAt: iso(30 * MINUTE), remainingMs: 18 * MINUTE - 500 });
    await advanceTo(30 * MINUTE - 1);
    expect(await market()).toMatchObject({ status: 'running', remainingMs: 1 });
    expect((await feed()).body).toMatchObject({ status: 'ACCEPTED' });

    await advanceTo(30 * MINUTE);
    expect(await market()).toMatchObject({ status: 'ended', endsAt: iso(30 * MINUTE), remainingMs: 0 });
    const ended = (await gameEvents()).filter((e) => e.type === 'GAME_ENDED');
    expect(ended).toEqual([expect.objectContaining({ time: iso(30 * MINUTE) })]);
    expect((await feed()).body).toMatchObject({ status: 'REJECTED', reason: expect.stringMatching(/^GAME_OVER: /) });
    expect(await coach('extend', { minutes: 5 })).toMatchObject({ status: 409 });
  });

  it('GAME_START=manual waits in the lobby for the coach; start, pause and extend move the end as documented', async () => {
    const game = await start({ GAME_DURATION: '10m', GAME_START: 'manual' });
    const token = (await http(game, 'POST', '/api/traders', { body: { team: 'LOBBY', name: 'bob' } })).body.token as string;
    const feed = () => http(game, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 } });
    // In the lobby: registered and connected, no clock running, nothing traded.
    expect(await market()).toMatchObject({ status: 'lobby', endsAt: iso(10 * MINUTE), remainingMs: 10 * MINUTE });
    expect((await feed()).body).toMatchObject({ status: 'REJECTED', reason: 'the game has not started yet: the coach starts it' });
    await advanceTo(5 * MINUTE);
    expect(await market()).toMatchObject({ status: 'lobby', endsAt: iso(15 * MINUTE), remainingMs: 10 * MINUTE });
    expect(await coach('extend', { minutes: 2 })).toMatchObject({ status: 200, body: { status: 'lobby', remainingMs: 12 * MINUTE } });

    // 5:00 — the coach starts a 12-minute game: it ends at 17:00 unless paused or extended.
    expect(await coach('start')).toMatchObject({ status: 200, body: { status: 'running', endsAt: iso(17 * MINUTE), remainingMs: 12 * MINUTE } });
    expect(await coach('start')).toMatchObject({ status: 409 });
    expect((await gameEvents()).filter((e) => e.type === 'GAME_STARTED')).toEqual([expect.objectContaining({ time: iso(5 * MINUTE) })]);
    expect((await feed()).body).toMatchObject({ status: 'ACCEPTED' });

    // A 3-minute pause does not count: 8 minutes left before it, 8 after.
    await advanceTo(9 * MINUTE);
    expect(await coach('pause')).toMatchObject({ status: 200, body: { status: 'paused', remainingMs: 8 * MINUTE } });
    await advanceTo(12 * MINUTE);
    expect(await market()).toMatchObject({ status: 'paused', endsAt: iso(20 * MINUTE), remainingMs: 8 * MINUTE });
    expect(await coach('resume')).toMatchObject({ status: 200, body: { status: 'running', endsAt: iso(20 * MINUTE) } });
    expect(await coach('extend', { minutes: 1.5 })).toMatchObject({ status: 200, body: { endsAt: iso(21.5 * MINUTE), remainingMs: 9.5 * MINUTE } });
    expect(await coach('extend', { minutes: 0 })).toMatchObject({ status: 400 });

    await advanceTo(21.5 * MINUTE - 1);
    expect(await market()).toMatchObject({ status: 'running', remainingMs: 1 });
    await advanceTo(21.5 * MINUTE);
    expect(await market()).toMatchObject({ status: 'ended', endsAt: iso(21.5 * MINUTE), remainingMs: 0 });
    expect((await feed()).body).toMatchObject({ status: 'REJECTED', reason: expect.stringMatching(/^GAME_OVER: /) });
    expect(await coach('start')).toMatchObject({ status: 409 });
  });

  it('gives the standings with the times and the revealed seed, as JSON and as CSV, the house bots flagged', async () => {
    const game = await start({ GAME_DURATION: '10m', HOUSE_BOTS: '2', HOUSE_IN_STANDINGS: 'false', GAME_SEED: 'standings-seed' });
    for (const name of ['ann', 'ben']) {
      const token = (await http(game, 'POST', '/api/traders', { body: { team: 'RANKED', name } })).body.token as string;
      expect((await http(game, 'POST', '/api/actions/feed', { token, body: { monkeys: name === 'ann' ? 2 : 1 } })).body).toMatchObject({
        status: 'ACCEPTED',
      });
    }
    const during = (await http(game, 'GET', '/api/standings')).body;
    expect(during).toMatchObject({ status: 'running', seed: null, startedAt: iso(0), endedAt: null, durationMs: 10 * MINUTE });
    await advanceTo(10 * MINUTE);
    const standings = (await http(game, 'GET', '/api/standings')).body as {
      seed: string;
      traders: { rank: number | null; team: string; name: string; score: number; house: boolean }[];
      teams: { rank: number | null; team: string; house: boolean }[];
    };
    expect(standings).toMatchObject({
      status: 'ended',
      seed: 'standings-seed',
      startedAt: iso(0),
      endedAt: iso(10 * MINUTE),
      durationMs: 10 * MINUTE,
    });
    const house = standings.traders.filter((t) => t.house);
    expect(house.map((t) => t.team)).toEqual(['HOUSE', 'HOUSE']);
    expect(house.every((t) => t.rank === null)).toBe(true);
    const players = standings.traders.filter((t) => !t.house);
    expect(players.map((t) => [t.rank, t.name])).toEqual([
      [1, 'ann'],
      [2, 'ben'],
    ]);
    expect(standings.teams.find((t) => t.team === 'RANKED')).toMatchObject({ rank: 1, house: false });
    expect(standings.teams.find((t) => t.team === 'HOUSE')).toMatchObject({ rank: null, house: true });

    const csv = await fetch(`${game.url}/api/standings.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = (await csv.text()).trim().split('\n');
    expect(header).toBe('rank,team,name,score,fedMonkeys,bailouts,coins,shares,house');
    expect(rows).toHaveLength(standings.traders.length);
    expect(rows.map((row) => row.split(',').slice(0, 4))).toEqual(
      standings.traders.map((t) => [String(t.rank ?? ''), t.team, t.name, String(t.score)]),
    );
  });

  it('has no end without GAME_DURATION, and refuses to extend one', async () => {
    await start({});
    expect(await market()).toMatchObject({ status: 'running', endsAt: null, remainingMs: null });
    expect(await coach('extend', { minutes: 5 })).toMatchObject({ status: 409, body: { message: expect.stringContaining('GAME_DURATION') } });
    expect(await coach('start')).toMatchObject({ status: 409 });
  });
});
