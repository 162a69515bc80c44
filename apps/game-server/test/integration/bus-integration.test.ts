/**
 * One suite, run on the embedded bus and on a real Apache Kafka broker: the
 * server must behave the same on both, and a client that only speaks the
 * 2018 wire format must be able to play.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_TOPICS, decodeMessage, encode, TOPICS, type TraderKey } from '@banana-market/protocol';
import { BUS_KINDS, eventually, type BusEnvironment, type RawRecord } from '../support/buses.js';
import { garbageFor } from '../support/garbage.js';
import { http, startTestServer, type TestServer } from '../support/test-server.js';
import { useGameOnBus } from '../support/game-on-bus.js';

/** Unique names per run, in case KAFKA_BROKERS points at a broker that has seen earlier runs. */
const RUN = Date.now().toString(36);
const FAST = { TICK_MS: '100', HOUSE_BOTS: '0', GAME_SEED: 'integration' };

describe.each(BUS_KINDS)('on the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let server: TestServer;

  useGameOnBus(kind, FAST, (game) => ({ env, server } = game));

  const skipUnlessAvailable = (ctx: { skip: (note?: string) => void }) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
  };

  it('reports the bus in its health', async (ctx) => {
    skipUnlessAvailable(ctx);
    const { status, body } = await http(server, 'GET', '/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', bus: kind });
  });

  it('plays over HTTP: register, trade, invest, feed, replay', async (ctx) => {
    skipUnlessAvailable(ctx);
    const registered = await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: `http-${kind}-${RUN}` } });
    expect(registered.status).toBe(201);
    const token = registered.body.token as string;
    const buy = await http(server, 'POST', '/api/actions/market', { token, body: { type: 'BUY', shares: 2, txnId: 'h1' } });
    expect(buy.status).toBe(200);
    expect(buy.body).toMatchObject({ txnId: 'h1', type: 'MARKET', status: 'ACCEPTED', state: { shares: 7 } });
    const feed = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 3, txnId: 'h2' } });
    expect(feed.body).toMatchObject({ type: 'FEED', status: 'ACCEPTED', state: { shares: 4, fedMonkeys: 3 } });
    const invest = await http(server, 'POST', '/api/actions/invest', { token, body: { invested: 1, txnId: 'h3' } });
    expect(invest.body).toMatchObject({ type: 'INVEST', status: 'ACCEPTED', state: { inFlightInvestments: 1 } });
    const replay = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 3, txnId: 'h2' } });
    expect(replay.body).toEqual(feed.body);
    const refused = await http(server, 'POST', '/api/actions/market', { token, body: { type: 'SELL', shares: 99 } });
    expect(refused.body).toMatchObject({ status: 'INSUFFICIENT_SHARES' });
    expect((await http(server, 'POST', '/api/actions/feed', { body: { monkeys: 1 } })).status).toBe(401);
    const bad = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: -1 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('monkeys');
  });

  it('answers a 2018 client that writes the old JSON straight to the action topics', async (ctx) => {
    skipUnlessAvailable(ctx);
    const client = env!.client;
    const results = await client.watch(TOPICS.txnResults.name);
    const prices = await client.watch(TOPICS.sharePrice.name);
    // Its own trader per run: on a broker kept between runs (KAFKA_BROKERS), an earlier run's "legacy" has fed monkeys already.
    const key = `{"team":"ALOUATE","name":"legacy-${kind}-${RUN}"}`;
    await client.produce(TOPICS.marketOrders.name, [
      { key, value: '{"time":"2018-03-16T10:00:00.000Z","txnId":"legacy_1","type":"BUY","shares":1}' },
    ]);
    await client.produce(TOPICS.investmentOrders.name, [{ key, value: '{"time":"2018-03-16T10:00:01.000Z","txnId":"legacy_2","invested":2}' }]);
    await client.produce(TOPICS.feedMonkeys.name, [{ key, value: '{"time":"2018-03-16T10:00:02.000Z","txnId":"legacy_3","monkeys":1}' }]);

    const mine = await eventually(() => {
      const found = results.filter((r) => r.key === key);
      expect(found.map((r) => JSON.parse(r.value!).txnId)).toEqual(expect.arrayContaining(['legacy_1', 'legacy_2', 'legacy_3']));
      return found;
    });
    for (const record of mine) {
      const value = JSON.parse(record.value!);
      if (value.type === 'RETURN') continue;
      expect(Object.keys(value)).toEqual(['txnId', 'type', 'state', 'status']);
      expect(Object.keys(value.state)).toEqual(['time', 'coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments']);
      expect(value.status).toBe('ACCEPTED');
      expect(decodeMessage.txnResult(record.value).ok).toBe(true);
    }
    // The first answer of each txnId (an investment is later followed by its RETURN).
    const byId = Object.fromEntries(
      mine
        .map((r) => JSON.parse(r.value!))
        .reverse()
        .map((v) => [v.txnId, v]),
    );
    expect(byId.legacy_1).toMatchObject({ type: 'MARKET', state: { shares: 6, inFlightInvestments: 0 } });
    expect(byId.legacy_2).toMatchObject({ type: 'INVEST', state: { inFlightInvestments: 1 } });
    expect(byId.legacy_3).toMatchObject({ type: 'FEED', state: { shares: 5, fedMonkeys: 1 } });
    // Results of one trader live on one partition, the one Kafka's partitioner gives the key.
    expect(new Set(mine.map((r) => r.partition)).size).toBe(1);

    const price = await eventually(() => {
      expect(prices.length).toBeGreaterThan(0);
      return prices[0];
    });
    expect(price.key).toBe('"GNOU"');
    expect(Object.keys(JSON.parse(price.value!))).toEqual(['time', 'coins', 'forecast']);
  });

  it('routes garbage on every action topic to the dead letters and keeps serving', async (ctx) => {
    skipUnlessAvailable(ctx);
    const client = env!.client;
    const trader: TraderKey = { team: 'ALOUATE', name: `garbage-${kind}-${RUN}` };
    const traderKey = encode.traderKey(trader);
    const garbage = garbageFor(traderKey);
    const letters = await client.watch(TOPICS.deadLetters.name);
    const results = await client.watch(TOPICS.txnRejections.name);
    for (const topic of ACTION_TOPICS) {
      await client.produce(
        topic.name,
        garbage.map(([, key, value]) => ({ key: toBytes(key), value: toBytes(value) })),
      );
    }
    const decoded = await eventually(() => {
      expect(letters).toHaveLength(garbage.length * ACTION_TOPICS.length);
      return letters.map((l: RawRecord) => {
        const letter = decodeMessage.deadLetter(l.value);
        if (!letter.ok) throw letter.error;
        return letter.value;
      });
    }, 30_000);
    for (const topic of ACTION_TOPICS) {
      for (const [label, , , reason] of garbage) {
        const matching = decoded.filter((d) => d.topic === topic.name && reason.test(d.reason));
        expect(matching.length, `${topic.name}: ${label}`).toBeGreaterThan(0);
      }
    }
    const rejected = await eventually(() => {
      const mine = results.filter((r) => r.key === traderKey).map((r) => JSON.parse(r.value!));
      expect(mine).toHaveLength((garbage.length - 2) * ACTION_TOPICS.length);
      return mine;
    });
    // Answered on txn-rejections (this assertion was on txn-results before), the unreadable keys under their raw bytes.
    expect(rejected.every((r) => r.status === 'REJECTED' && typeof r.reason === 'string')).toBe(true);
    const unreadableKeys = garbage.filter(([, key]) => key !== traderKey).map(([, key]) => key);
    await eventually(() => expect(results.filter((r) => unreadableKeys.includes(r.key))).toHaveLength(unreadableKeys.length * ACTION_TOPICS.length));
    const health = await http(server, 'GET', '/api/health');
    expect(health.status).toBe(200);
    const board = await http(server, 'GET', '/api/leaderboard');
    expect(board.body.traders.find((t: { name: string }) => t.name === trader.name)).toBeUndefined();
  });

  it('keeps trader states and registrations across a server restart', async (ctx) => {
    skipUnlessAvailable(ctx);
    const registered = await http(server, 'POST', '/api/traders', { body: { team: 'GIBBON', name: `restart-${kind}-${RUN}` } });
    const token = registered.body.token as string;
    await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 4, txnId: 'r1' } });
    await server.close();
    server = await startTestServer({ bus: await env!.createBus(), env: FAST });
    const board = await http(server, 'GET', '/api/leaderboard');
    expect(board.body.traders.find((t: { name: string }) => t.name === `restart-${kind}-${RUN}`)).toMatchObject({ fedMonkeys: 4, shares: 1 });
    const after = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1, txnId: 'r2' } });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'ACCEPTED', state: { fedMonkeys: 5, shares: 0 } });
    expect((await http(server, 'POST', '/api/traders', { body: { team: 'GIBBON', name: `restart-${kind}-${RUN}` } })).status).toBe(409);
  }, 120_000);
});

function toBytes(raw: string | Uint8Array | null): string | Buffer | null {
  return raw === null || typeof raw === 'string' ? raw : Buffer.from(raw);
}
