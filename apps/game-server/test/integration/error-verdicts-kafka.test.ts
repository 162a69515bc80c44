/**
 * The error-verdict table (test/support/error-verdicts.ts) on a real Apache
 * Kafka broker: each order produced raw by a plain Kafka client to its action
 * topic, answered on txn-results (or txn-rejections, where it exists), with
 * the words the same order gets over HTTP and WebSocket on the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, encode } from '@banana-market/protocol';
import { ANSWER_TOPICS, messageOn, orderText, ROWS } from '../support/error-verdicts.js';
import { eventually, type BusEnvironment, type RawRecord } from '../support/buses.js';
import { ADMIN_TOKEN, http, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/ws-client.js';
import { useGameOnBus } from '../support/game-on-bus.js';

const RUN = Date.now().toString(36);

describe('error verdicts on a real Kafka broker', () => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  let token: string;
  let socket: TestSocket;
  const answers: RawRecord[][] = [];

  useGameOnBus('kafka', { HOUSE_BOTS: '0', GAME_SEED: 'verdicts' }, (game) => ({ env, server } = game));

  beforeAll(async () => {
    if (env === undefined) return;
    const started = env;
    for (const topic of ANSWER_TOPICS) answers.push(await started.client.watch(topic));
    ({ socket, token } = await TestSocket.openAs(server, { team: 'VERDICT', name: `both-${RUN}` }));
  }, 180_000);

  afterAll(async () => {
    socket?.close();
  }, 60_000);

  it('gives every row the same verdict and words on Kafka, HTTP and WebSocket', async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const client = env.client;
    const keyOf = (i: number) => encode.traderKey({ team: 'VERDICT', name: `kafka-${RUN}-${i}` });
    // All the Kafka orders at once, each under its own trader key.
    await Promise.all(ROWS.map((r, i) => client.produce(ACTIONS[r.kind].topic.name, [{ key: keyOf(i), value: orderText(r, `k-${i}`) }])));
    const kafka = await eventually(
      () => {
        const all = answers.flat();
        const found = ROWS.map((_, i) => all.find((m) => m.key === keyOf(i)));
        const missing = found.flatMap((m, i) => (m === undefined ? [ROWS[i].label] : []));
        if (missing.length > 0) throw new Error(`no answer yet for ${missing.join(', ')}`);
        return found.map((m) => JSON.parse(m?.value ?? 'null') as { status: string; reason?: string });
      },
      60_000,
      100,
    );

    for (const [i, r] of ROWS.entries()) {
      const spec = ACTIONS[r.kind];
      const posted = await http(server, 'POST', `/api/actions/${spec.httpPath}`, { token, rawBody: orderText(r, `h-${RUN}-${i}`) });
      const after = socket.frames.length;
      const wsTxnId = `w-${RUN}-${i}`;
      socket.sendRaw(`{"event":${JSON.stringify(spec.wsEvent)},"data":${orderText(r, wsTxnId)}}`);
      const frame = await socket.next((f) => f.event === 'error' || (f.event === 'txn-result' && f.data.txnId === wsTxnId), 15_000, after);
      if (r.verdict === 'ACCEPTED') {
        expect(kafka[i], r.label).toMatchObject({ status: 'ACCEPTED' });
        expect(posted, r.label).toMatchObject({ status: 200, body: { status: 'ACCEPTED' } });
        expect(frame, r.label).toMatchObject({ event: 'txn-result', data: { status: 'ACCEPTED' } });
        continue;
      }
      expect(kafka[i], r.label).toMatchObject({ status: 'REJECTED', reason: messageOn('kafka', r.verdict) });
      expect(posted, r.label).toMatchObject({ status: 400, body: { message: messageOn('http', r.verdict) } });
      expect(frame, r.label).toMatchObject({ event: 'error', data: { message: messageOn('ws', r.verdict) } });
    }
  }, 180_000);

  it("refuses a Kafka client's orders over the rate limit, and a removed trader's, on txn-rejections", async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const client = env.client;
    const { burst } = server.config.actionRateLimit;
    // One producer call: the burst and five more, all written within a few milliseconds.
    const fast = encode.traderKey({ team: 'VERDICT', name: `fast-${RUN}` });
    const orders = Array.from({ length: burst + 5 }, (_, i) => ({
      key: fast,
      value: JSON.stringify({ txnId: `fast-${i}`, type: i % 2 === 0 ? 'BUY' : 'SELL', shares: 1 }),
    }));
    await client.produce(ACTIONS.market.topic.name, orders);
    const removedName = `removed-${RUN}`;
    const registered = await http(server, 'POST', '/api/traders', { body: { team: 'VERDICT', name: removedName } });
    expect(registered.status).toBe(201);
    expect((await http(server, 'DELETE', `/api/traders/VERDICT/${removedName}`, { token: ADMIN_TOKEN })).status).toBe(204);
    const removed = encode.traderKey({ team: 'VERDICT', name: removedName });
    await client.produce(ACTIONS.market.topic.name, [{ key: removed, value: JSON.stringify({ txnId: 'gone-1', type: 'BUY', shares: 1 }) }]);

    const [results, rejections] = ANSWER_TOPICS.map((_, t) => answers[t]);
    const answered = await eventually(
      () => {
        const of = (records: RawRecord[], key: string) => records.filter((m) => m.key === key).map((m) => JSON.parse(m.value ?? 'null'));
        const fastAnswers = [...of(results, fast), ...of(rejections, fast)];
        const removedAnswers = of(rejections, removed);
        if (fastAnswers.length < orders.length || removedAnswers.length < 1) throw new Error(`${fastAnswers.length} of ${orders.length} answers yet`);
        return { limited: of(rejections, fast), removedAnswers };
      },
      60_000,
      100,
    );
    expect(answered.limited).toHaveLength(5);
    for (const rejection of answered.limited) {
      expect(rejection).toMatchObject({
        status: 'REJECTED',
        reason: expect.stringMatching(/^RATE_LIMITED: at most 20 actions per second per trader \(bursts of 40\); try again in \d+ ms$/),
      });
      expect(rejection.retryAfterMs).toBeGreaterThan(0);
    }
    expect(answered.removedAnswers).toEqual([
      expect.objectContaining({
        txnId: 'gone-1',
        status: 'REJECTED',
        reason: `trader VERDICT/${removedName} was removed from the game by the coach`,
        field: 'key',
      }),
    ]);
  }, 180_000);
});
