/**
 * The HTTP contract, exercised against a real listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txnResultSchema } from '@banana-market/protocol';
import { ADMIN_TOKEN, http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import type { VirtualClock } from '@banana-market/engine';

describe('HTTP API', () => {
  let server: TestServer;
  let clock: VirtualClock;
  let badCount = 0;

  beforeAll(async () => {
    clock = virtualClock();
    // The contract's figures (coins after a trade, returns) are the 2018 rules': no trade fee.
    server = await startTestServer({ clock, env: { GAME_RULES_PRESET: 'mktd2018' } });
  });
  afterAll(() => server.close());

  async function register(team: string, name: string): Promise<string> {
    const { status, body } = await http(server, 'POST', '/api/traders', { body: { team, name } });
    expect(status).toBe(201);
    return body.token as string;
  }

  it('answers health with the bus kind', async () => {
    const { status, body } = await http(server, 'GET', '/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', bus: 'embedded' });
  });

  it('serves the OpenAPI document with the action paths', async () => {
    const { status, body } = await http(server, 'GET', '/api/docs-json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/market',
        '/api/traders',
        '/api/actions/market',
        '/api/actions/invest',
        '/api/actions/feed',
        '/api/leaderboard',
        '/api/gibbs',
        '/api/game/pause',
      ]),
    );
    const marketBody = body.paths['/api/actions/market'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(marketBody)).toContain('shares');
  });

  it('shows the market and moves the price every tick', async () => {
    const before = (await http(server, 'GET', '/api/market')).body;
    expect(before).toMatchObject({ status: 'running' });
    for (const field of ['price', 'forecast', 'hype', 'tick']) expect(typeof before[field]).toBe('number');
    expect(typeof before.time).toBe('string');
    clock.advance(server.config.rules.tickMs);
    const after = (await http(server, 'GET', '/api/market')).body;
    expect(after.tick).toBe(before.tick + 1);
    expect(after.price).not.toBe(before.price);
    expect(Date.parse(after.time)).toBe(clock.now());
  });

  it('registers a trader once and refuses the same name again with 409', async () => {
    const { status, body } = await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: 'alice' } });
    expect(status).toBe(201);
    expect(body).toMatchObject({ team: 'BONOBO', name: 'alice' });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const again = await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: 'alice' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('BONOBO/alice');
  });

  it.each([
    [{ team: 'BO NOBO', name: 'x' }, 'team'],
    [{ team: 'BONOBO' }, 'name'],
    [{ team: 'A'.repeat(33), name: 'x' }, 'team'],
    [{ team: 'T', name: 42 }, 'name'],
  ])('rejects a bad registration %j naming %s', async (body, field) => {
    const response = await http(server, 'POST', '/api/traders', { body });
    expect(response.status).toBe(400);
    expect(response.body.problems[0].field).toBe(field);
    expect(response.body.message).toContain(field);
  });

  it('executes market orders, investments and feedings with the trader token', async () => {
    const token = await register('CAPUCIN', 'bob');
    const price = (await http(server, 'GET', '/api/market')).body.price as number;
    const buy = await http(server, 'POST', '/api/actions/market', { token, body: { type: 'BUY', shares: 2, txnId: 'bob-1' } });
    expect(buy.status).toBe(200);
    expect(txnResultSchema.parse(buy.body)).toBeTruthy();
    expect(buy.body).toMatchObject({ txnId: 'bob-1', type: 'MARKET', status: 'ACCEPTED' });
    expect(buy.body.state.shares).toBe(7);
    expect(buy.body.state.coins).toBeCloseTo(10 - 2 * price, 9);

    const feed = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 3 } });
    expect(feed.body).toMatchObject({ type: 'FEED', status: 'ACCEPTED' });
    expect(feed.body.txnId).toMatch(/.+/);
    expect(feed.body.state).toMatchObject({ shares: 4, fedMonkeys: 3 });

    const invest = await http(server, 'POST', '/api/actions/invest', { token, body: { invested: 1.5 } });
    expect(invest.body).toMatchObject({ type: 'INVEST', status: 'ACCEPTED' });
    expect(invest.body.state.inFlightInvestments).toBe(1);

    const tooMuch = await http(server, 'POST', '/api/actions/market', { token, body: { type: 'SELL', shares: 1000 } });
    expect(tooMuch.status).toBe(200);
    expect(tooMuch.body).toMatchObject({ status: 'INSUFFICIENT_SHARES' });
    expect(tooMuch.body.state.shares).toBe(4);
  });

  it('answers a replayed txnId with the first result and applies nothing', async () => {
    const token = await register('CAPUCIN', 'replayer');
    const first = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1, txnId: 'same' } });
    const second = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1, txnId: 'same' } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const board = (await http(server, 'GET', '/api/leaderboard')).body;
    expect(board.traders.find((t: { name: string }) => t.name === 'replayer').fedMonkeys).toBe(1);
  });

  it.each([
    ['/api/actions/market', { type: 'HOLD', shares: 1 }, 'type'],
    ['/api/actions/market', { type: 'BUY', shares: -3 }, 'shares'],
    ['/api/actions/market', { type: 'BUY', shares: 1.5 }, 'shares'],
    ['/api/actions/market', { type: 'BUY', shares: '2' }, 'shares'],
    ['/api/actions/market', { type: 'BUY', shares: 1e300 }, 'shares'],
    ['/api/actions/market', { type: 'BUY' }, 'shares'],
    ['/api/actions/invest', { invested: 0 }, 'invested'],
    ['/api/actions/invest', { invested: -1 }, 'invested'],
    ['/api/actions/invest', { invested: 'NaN' }, 'invested'],
    ['/api/actions/feed', { monkeys: 0 }, 'monkeys'],
    ['/api/actions/feed', { monkeys: 2, txnId: '' }, 'txnId'],
    ['/api/actions/feed', { monkeys: 2, txnId: 'x'.repeat(500) }, 'txnId'],
  ])('POST %s %j → 400 naming %s, state unchanged', async (path, body, field) => {
    const name = `bad-${field}-${++badCount}`;
    const token = await register('HOWLER', name);
    const response = await http(server, 'POST', path, { token, body });
    expect(response.status).toBe(400);
    expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(response.body.message).toMatch(new RegExp(`${field}: `));
    const board = (await http(server, 'GET', '/api/leaderboard')).body;
    const me = board.traders.find((t: { team: string; name: string }) => t.team === 'HOWLER' && t.name === name);
    expect(me).toMatchObject({ coins: 10, shares: 5, fedMonkeys: 0 });
  });

  it('answers malformed JSON with 400 naming the body', async () => {
    const token = await register('HOWLER', 'json');
    const response = await http(server, 'POST', '/api/actions/market', { token, rawBody: '{"type":"BUY",' });
    expect(response.status).toBe(400);
    expect(response.body.problems[0].field).toBe('body');
    expect(response.body.message).toMatch(/valid JSON/);
  });

  it('refuses an oversized body with 413', async () => {
    const token = await register('HOWLER', 'huge');
    const response = await http(server, 'POST', '/api/actions/feed', { token, rawBody: JSON.stringify({ monkeys: 1, pad: 'x'.repeat(1 << 20) }) });
    expect(response.status).toBe(413);
  });

  it('requires a trader token for actions (401)', async () => {
    const none = await http(server, 'POST', '/api/actions/feed', { body: { monkeys: 1 } });
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/Authorization/);
    const wrong = await http(server, 'POST', '/api/actions/feed', { body: { monkeys: 1 }, token: 'not-a-token' });
    expect(wrong.status).toBe(401);
    const admin = await http(server, 'POST', '/api/actions/feed', { body: { monkeys: 1 }, token: ADMIN_TOKEN });
    expect(admin.status).toBe(401);
  });

  it('ranks the leaderboard by score and sums teams', async () => {
    const a = await register('RANK', 'a');
    const b = await register('RANK', 'b');
    await http(server, 'POST', '/api/actions/feed', { token: a, body: { monkeys: 2 } });
    await http(server, 'POST', '/api/actions/feed', { token: b, body: { monkeys: 4 } });
    const board = (await http(server, 'GET', '/api/leaderboard')).body;
    const scores = board.traders.map((t: { score: number }) => t.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    const rankTeam = board.teams.find((t: { team: string }) => t.team === 'RANK');
    expect(rankTeam).toEqual({ team: 'RANK', score: 6, traders: 2 });
    const b1 = board.traders.findIndex((t: { team: string; name: string }) => t.team === 'RANK' && t.name === 'b');
    const a1 = board.traders.findIndex((t: { team: string; name: string }) => t.team === 'RANK' && t.name === 'a');
    expect(b1).toBeLessThan(a1);
    expect(board.traders[b1]).toEqual({ team: 'RANK', name: 'b', score: 4, fedMonkeys: 4, bailouts: 0, coins: 10, shares: 1 });
  });

  it('accepts gibbs (202) that move the hype, and refuses empty or long ones', async () => {
    const hypeBefore = (await http(server, 'GET', '/api/market')).body.hype as number;
    const accepted = await http(server, 'POST', '/api/gibbs', { body: { text: 'Bananas are great, I love #MKTD' } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ text: 'Bananas are great, I love #MKTD' });
    await server.game.flushed();
    await (server.bus as { whenIdle?: () => Promise<void> }).whenIdle?.();
    const hypeAfter = (await http(server, 'GET', '/api/market')).body.hype as number;
    // great, love, mktd: three positive words
    expect(hypeAfter - hypeBefore).toBeCloseTo(0.03, 9);
    expect((await http(server, 'POST', '/api/gibbs', { body: { text: '' } })).status).toBe(400);
    const long = await http(server, 'POST', '/api/gibbs', { body: { text: 'b'.repeat(281) } });
    expect(long.status).toBe(400);
    expect(long.body.problems[0].field).toBe('text');
  });

  it('lets only the coach pause, resume and reset', async () => {
    expect((await http(server, 'POST', '/api/game/pause')).status).toBe(401);
    expect((await http(server, 'POST', '/api/game/pause', { token: 'wrong-token' })).status).toBe(401);
    const paused = await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN });
    expect(paused.status).toBe(200);
    expect((await http(server, 'GET', '/api/market')).body.status).toBe('paused');
    const tick = (await http(server, 'GET', '/api/market')).body.tick;
    clock.advance(10 * server.config.rules.tickMs);
    expect((await http(server, 'GET', '/api/market')).body.tick).toBe(tick);

    const token = await register('PAUSE', 'p');
    const refused = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 } });
    expect(refused.body).toMatchObject({ status: 'REJECTED' });
    expect(refused.body.reason).toMatch(/paused/);

    expect((await http(server, 'POST', '/api/game/resume', { token: ADMIN_TOKEN })).status).toBe(200);
    clock.advance(server.config.rules.tickMs);
    expect((await http(server, 'GET', '/api/market')).body).toMatchObject({ status: 'running', tick: tick + 1 });

    const reset = await http(server, 'POST', '/api/game/reset', { token: ADMIN_TOKEN });
    expect(reset.status).toBe(200);
    const market = (await http(server, 'GET', '/api/market')).body;
    expect(market).toMatchObject({ status: 'running', tick: 0, hype: 0 });
    const board = (await http(server, 'GET', '/api/leaderboard')).body;
    expect(board.traders.every((t: { fedMonkeys: number; coins: number }) => t.fedMonkeys === 0 && t.coins === 10)).toBe(true);
  });
});
