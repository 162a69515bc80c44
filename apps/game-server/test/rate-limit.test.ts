/**
 * ACTION_RATE: one trader's limit, the same verdict on HTTP (429 with
 * Retry-After), WebSocket (an error frame with the code) and Kafka (REJECTED
 * on txn-rejections) — counted on the game clock, so these tests move virtual
 * time, and an order over the limit changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTxnRejection, encode, RATE_LIMITED, TOPICS } from '@banana-market/protocol';
import type { VirtualClock } from '@banana-market/engine';
import type { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { http, startTestServer, virtualClock, type TestServer } from './support/test-server.js';
import { settle } from './support/virtual-time.js';
import { TestSocket } from './support/ws-client.js';

/** 2 actions a second, 3 at once: small enough to cross in a test. */
const LIMITED = { ACTION_RATE: '2', ACTION_BURST: '3' };

describe('the per-trader rate limit (ACTION_RATE)', () => {
  let server: TestServer | undefined;
  let clock: VirtualClock;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(env: Record<string, string> = LIMITED): Promise<TestServer> {
    clock = virtualClock();
    server = await startTestServer({ clock, env });
    return server;
  }

  async function register(s: TestServer, team: string, name: string): Promise<string> {
    const registered = await http(s, 'POST', '/api/traders', { body: { team, name } });
    expect(registered.status).toBe(201);
    return registered.body.token as string;
  }

  const buy = (s: TestServer, token: string, txnId: string) =>
    http(s, 'POST', '/api/actions/market', { token, body: { txnId, type: 'BUY', shares: 1 } });

  it('over HTTP: the burst is served, the next order is 429 with Retry-After and changes nothing, and time brings tokens back', async () => {
    const s = await start();
    const token = await register(s, 'BONOBO', 'eager');
    for (const txnId of ['h1', 'h2', 'h3']) expect((await buy(s, token, txnId)).body).toMatchObject({ txnId, status: 'ACCEPTED' });
    const stateBefore = s.game.traderState({ team: 'BONOBO', name: 'eager' });

    const response = await fetch(`${s.url}/api/actions/market`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ txnId: 'h4', type: 'BUY', shares: 1 }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      code: RATE_LIMITED,
      message: 'RATE_LIMITED: at most 2 actions per second per trader (bursts of 3); try again in 500 ms',
      retryAfterMs: 500,
    });
    await settle(s);
    expect(s.game.traderState({ team: 'BONOBO', name: 'eager' })).toEqual(stateBefore);
    // Not written at all: the gateway refused it before the action topic.
    expect((await s.bus.readTopic(TOPICS.marketOrders.name)).map((m) => JSON.parse(m.value!.toString()).txnId)).toEqual(['h1', 'h2', 'h3']);

    clock.advance(499);
    expect((await buy(s, token, 'h4')).status).toBe(429);
    clock.advance(1);
    expect((await buy(s, token, 'h4')).body).toMatchObject({ txnId: 'h4', status: 'ACCEPTED' });
  });

  it("keeps one trader's flood from another trader", async () => {
    // 20/s: the refusals are answered 50 ms apart (see refusal-pacer.test.ts), not 500.
    const s = await start({ ACTION_RATE: '20', ACTION_BURST: '3' });
    const flooder = await register(s, 'BONOBO', 'flood');
    const calm = await register(s, 'DRILL', 'calm');
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(s, flooder, `f${i}`)));
    expect(flood.filter((r) => r.status === 200)).toHaveLength(3);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(17);
    expect((await buy(s, calm, 'c1')).body).toMatchObject({ status: 'ACCEPTED' });
  });

  it('over WebSocket: an error frame with the code and the wait, and the result of what was taken', async () => {
    const s = await start();
    const { socket } = await TestSocket.openAs(s, { team: 'CAPUCIN', name: 'socket' });
    try {
      for (let i = 1; i <= 4; i++) socket.send('market', { txnId: `w${i}`, type: 'BUY', shares: 1 });
      const refused = await socket.next((f) => f.event === 'error');
      expect(refused.data).toEqual({
        message: 'RATE_LIMITED: at most 2 actions per second per trader (bursts of 3); try again in 500 ms',
        txnId: 'w4',
        code: RATE_LIMITED,
        retryAfterMs: 500,
      });
      for (let i = 1; i <= 3; i++) await socket.next((f) => f.event === 'txn-result' && f.data.txnId === `w${i}`);
      await settle(s);
      expect(socket.frames.filter((f) => f.event === 'txn-result').map((f) => f.data.txnId)).toEqual(['w1', 'w2', 'w3']);
    } finally {
      socket.close();
    }
  });

  it('over Kafka: REJECTED on txn-rejections with the reason and the wait, counted at the time the orders carry', async () => {
    const s = await start();
    const bus = s.bus as EmbeddedBus;
    const key = encode.traderKey({ team: 'SAGOUIN', name: 'raw' });
    const now = new Date(clock.now()).toISOString();
    // Four orders at once, and a fifth that claims to come from the future (counted as now: no token earned).
    const orders = ['k1', 'k2', 'k3', 'k4'].map((txnId) => ({ key, value: JSON.stringify({ txnId, type: 'BUY', shares: 1, time: now }) }));
    orders.push({ key, value: JSON.stringify({ txnId: 'k5', type: 'BUY', shares: 1, time: '2099-01-01T00:00:00Z' }) });
    await bus.publish(TOPICS.marketOrders.name, orders);
    await settle(s);
    const answered = async (topic: string) =>
      (await s.bus.readTopic(topic)).filter((m) => m.key?.toString() === key).map((m) => JSON.parse(m.value!.toString()));
    expect((await answered(TOPICS.txnResults.name)).map((r) => r.txnId)).toEqual(['k1', 'k2', 'k3']);
    const rejections = await answered(TOPICS.txnRejections.name);
    expect(rejections.map((r) => [r.txnId, r.reason, r.retryAfterMs])).toEqual([
      ['k4', 'RATE_LIMITED: at most 2 actions per second per trader (bursts of 3); try again in 500 ms', 500],
      ['k5', 'RATE_LIMITED: at most 2 actions per second per trader (bursts of 3); try again in 500 ms', 500],
    ]);
    for (const r of rejections) expect(decodeTxnRejection(JSON.stringify(r)).ok).toBe(true);
    // The refused orders changed nothing: three bought.
    expect(s.game.traderState({ team: 'SAGOUIN', name: 'raw' })).toMatchObject({ shares: 5 + 3 });

    clock.advance(500);
    await bus.publish(TOPICS.marketOrders.name, [{ key, value: JSON.stringify({ txnId: 'k4', type: 'BUY', shares: 1 }) }]);
    await settle(s);
    expect((await answered(TOPICS.txnResults.name)).map((r) => r.txnId)).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  it('is off with ACTION_RATE=0', async () => {
    const s = await start({ ACTION_RATE: '0' });
    const token = await register(s, 'BONOBO', 'free');
    // Alternating, so that coins and shares last: every answer is the engine's own.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        http(s, 'POST', '/api/actions/market', { token, body: { txnId: `o${i}`, type: i % 2 === 0 ? 'BUY' : 'SELL', shares: 1 } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(answers.filter((a) => String(a.body.reason).startsWith(RATE_LIMITED))).toEqual([]);
  });
});
