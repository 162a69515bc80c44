/**
 * A client that retries before its first answer came sends one txnId several
 * times at once. Every copy waits for the same answer: it is applied once,
 * every request gets it, and the server stays alive — on the embedded bus and
 * on a real Kafka broker, over HTTP and over WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, TOPICS } from '@banana-market/protocol';
import { BUS_KINDS, eventually, type BusEnvironment } from './support/buses.js';
import { http, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';
import { useGameOnBus } from './support/game-on-bus.js';

const RUN = Date.now().toString(36);
const COPIES = 10;

describe.each(BUS_KINDS)('the same txnId sent 10 times at once, on the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  useGameOnBus(kind, { TICK_MS: '100', HOUSE_BOTS: '0', GAME_SEED: 'duplicates' }, (game) => ({ env, server } = game));

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
  }, 60_000);

  const skipUnlessAvailable = (ctx: { skip: (note?: string) => void }) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
  };

  it(`over HTTP: ${COPIES} identical answers, applied once`, async (ctx) => {
    skipUnlessAvailable(ctx);
    const name = `dup-http-${kind}-${RUN}`;
    const { token } = (await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name } })).body as { token: string };
    const answers = await Promise.all(
      Array.from({ length: COPIES }, () => http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 2, txnId: 'retry-1' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(COPIES).fill(200));
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers[0].body).toMatchObject({ txnId: 'retry-1', type: 'FEED', status: 'ACCEPTED', state: { shares: 3, fedMonkeys: 2 } });
    // Applied once: the trader fed 2 monkeys, not 20 (nor 4).
    expect(server.game.traderState({ team: 'BONOBO', name })).toMatchObject({ fedMonkeys: 2, shares: 3 });
    expect((await http(server, 'GET', '/api/health')).status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it(`over WebSocket: ${COPIES} identical answers, applied once`, async (ctx) => {
    skipUnlessAvailable(ctx);
    const name = `dup-ws-${kind}-${RUN}`;
    const trader = { team: 'BONOBO', name };
    const { token } = (await http(server, 'POST', '/api/traders', { body: trader })).body as { token: string };
    const results = await env!.client.watch(TOPICS.txnResults.name);
    const socket = await TestSocket.open(server.wsUrl);
    try {
      await socket.authenticate(token);
      for (let i = 0; i < COPIES; i++) socket.send('market', { type: 'BUY', shares: 1, txnId: 'retry-1' });
      const frames = await eventually(() => {
        const mine = socket.frames.filter((f) => f.event === 'txn-result' && f.data.txnId === 'retry-1');
        expect(mine).toHaveLength(COPIES);
        return mine;
      }, 30_000);
      for (const frame of frames) expect(frame.data).toEqual(frames[0].data);
      expect(frames[0].data).toMatchObject({ type: 'MARKET', status: 'ACCEPTED', state: { shares: 6 } });
      expect(socket.frames.filter((f) => f.event === 'error')).toEqual([]);
      // One application, ten identical answers on txn-results too.
      const key = encode.traderKey(trader);
      await eventually(() => expect(results.filter((r) => r.key === key && JSON.parse(r.value!).txnId === 'retry-1')).toHaveLength(COPIES));
      const values = new Set(results.filter((r) => r.key === key).map((r) => r.value));
      expect(values.size).toBe(1);
      expect(server.game.traderState(trader)).toMatchObject({ shares: 6 });
    } finally {
      socket.close();
    }
    expect((await http(server, 'GET', '/api/health')).status).toBe(200);
    expect(unhandled).toEqual([]);
  });
});
