/**
 * A 2018 room: GAME_TEAMS holds the five 2018 teams and the house bots play
 * as SAGOUIN. A client modelled on the 2018 Jackson model — closed enums for
 * the team of every key and for the status of every result, unknown fields
 * ignored, keys written pretty-printed — must be able to read every record of
 * share-price, txn-results and trader-states while house bots trade and
 * another client sends garbage; its own orders are answered on their own
 * partition under the same key bytes; the garbage is answered on
 * txn-rejections. On the embedded bus and on a real Kafka broker.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_TOPICS, TOPICS } from '@banana-market/protocol';
import { partitionForKey } from '@banana-market/kafka';
import { BananaClient, KafkaTransport, WsTransport } from '@banana-market/sdk/client';
import { BUS_KINDS, eventually, type BusEnvironment, type RawRecord } from '../support/buses.js';
import { ADMIN_TOKEN, http, type TestServer } from '../support/test-server.js';
import { useGameOnBus } from '../support/game-on-bus.js';

const RUN = Date.now().toString(36);
const TEAMS_2018 = ['ALOUATE', 'BONOBO', 'CAPUCIN', 'DRILL', 'SAGOUIN'] as const;
const STATUSES_2018 = ['ACCEPTED', 'INSUFFICIENT_COINS', 'INSUFFICIENT_SHARES'] as const;
const ROOM = {
  TICK_MS: '100',
  HOUSE_BOTS: '3',
  GAME_SEED: 'room-2018',
  GAME_TEAMS: TEAMS_2018.join(','),
  HOUSE_TEAM: 'SAGOUIN',
};

/** What the 2018 client's Jackson model does: throws on an unknown enum value, ignores unknown fields. */
const jackson2018 = {
  team(value: unknown): string {
    if (typeof value !== 'string' || !(TEAMS_2018 as readonly string[]).includes(value)) {
      throw new Error(`Cannot deserialize value of type Team from String ${JSON.stringify(value)}`);
    }
    return value;
  },
  traderKey(raw: string | null): { team: string; name: string } {
    const key = JSON.parse(raw ?? 'null') as { team?: unknown; name?: unknown };
    return { team: jackson2018.team(key.team), name: String(key.name) };
  },
  status(value: unknown): string {
    if (typeof value !== 'string' || !(STATUSES_2018 as readonly string[]).includes(value)) {
      throw new Error(`Cannot deserialize value of type TxnResultType from String ${JSON.stringify(value)}`);
    }
    return value;
  },
  number(value: unknown, field: string): number {
    if (typeof value !== 'number') throw new Error(`${field}: not a number: ${JSON.stringify(value)}`);
    return value;
  },
  traderState(state: Record<string, unknown>): void {
    for (const field of ['coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments']) jackson2018.number(state[field], field);
  },
  record(record: RawRecord): void {
    const value = JSON.parse(record.value ?? 'null') as Record<string, unknown>;
    switch (record.topic) {
      case TOPICS.sharePrice.name:
        jackson2018.number(value.coins, 'coins');
        jackson2018.number(value.forecast, 'forecast');
        return;
      case TOPICS.txnResults.name:
        jackson2018.traderKey(record.key);
        jackson2018.status(value.status);
        jackson2018.traderState(value.state as Record<string, unknown>);
        return;
      case TOPICS.traderStates.name:
        jackson2018.traderKey(record.key);
        jackson2018.traderState(value);
        return;
    }
  },
};

describe.each(BUS_KINDS)('a 2018 room on the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let server: TestServer;

  useGameOnBus(kind, ROOM, (game) => ({ env, server } = game));

  it('lets a 2018 client with closed enums read every record while house bots trade and garbage arrives', async (ctx) => {
    if (env === undefined) return ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const client = env.client;
    const [prices, results, states, rejections, marketOrders] = await Promise.all(
      [TOPICS.sharePrice, TOPICS.txnResults, TOPICS.traderStates, TOPICS.txnRejections, TOPICS.marketOrders].map((t) => client.watch(t.name)),
    );

    // The 2018 client writes its key as Jackson's pretty printer does: a name whose pretty key lands on another
    // partition than its compact key, so that its orders go through the trader's home task (action-repartition).
    const prettyOf = (name: string) => `{\n  "team" : "ALOUATE",\n  "name" : "${name}"\n}`;
    const partitionOf = (key: string) => partitionForKey(TOPICS.marketOrders.name, Buffer.from(key), TOPICS.marketOrders.partitions);
    let attempt = 0;
    const nameAt = (i: number) => `legacy-${kind}-${RUN}-${i}`;
    while (partitionOf(prettyOf(nameAt(attempt))) === partitionOf(`{"team":"ALOUATE","name":"${nameAt(attempt)}"}`)) attempt += 1;
    const name = nameAt(attempt);
    const prettyKey = prettyOf(name);
    await client.produce(TOPICS.marketOrders.name, [
      { key: prettyKey, value: '{"time":"2018-03-16T10:00:00.000Z","txnId":"legacy_1","type":"BUY","shares":1}' },
    ]);
    await client.produce(TOPICS.investmentOrders.name, [
      { key: prettyKey, value: '{"time":"2018-03-16T10:00:01.000Z","txnId":"legacy_2","invested":2}' },
    ]);
    await client.produce(TOPICS.feedMonkeys.name, [{ key: prettyKey, value: '{"time":"2018-03-16T10:00:02.000Z","txnId":"legacy_3","monkeys":1}' }]);
    // The same trader's compact key is the same trader: its answer continues the same account.
    const compactKey = `{"team":"ALOUATE","name":"${name}"}`;

    // Another client sends garbage on every action topic.
    const garbageKey = `{"team":"BONOBO","name":"garbage-${kind}-${RUN}"}`;
    const intruderKey = `{"team":"HOUSE","name":"intruder-${kind}-${RUN}"}`;
    const garbage = [
      { key: garbageKey, value: 'BUY 3 please' },
      { key: garbageKey, value: '{"txnId":"wrong-types","type":"BUY","shares":"three","monkeys":"x","invested":"y"}' },
      { key: 'QUIX/py', value: '{"txnId":"quix","type":"BUY","shares":1,"monkeys":1,"invested":1}' },
      { key: intruderKey, value: '{"txnId":"intruder","type":"BUY","shares":1,"monkeys":1,"invested":1}' },
    ];
    for (const topic of ACTION_TOPICS) await client.produce(topic.name, garbage);

    // The 2018 client's orders: answered under the same key bytes, on the partition its orders went to.
    const mine = await eventually(() => {
      const found = results.filter((r) => r.key === prettyKey);
      expect(found.map((r) => JSON.parse(r.value!).txnId)).toEqual(expect.arrayContaining(['legacy_1', 'legacy_2', 'legacy_3']));
      return found;
    }, 30_000);
    const orderPartition = await eventually(() => {
      const order = marketOrders.find((r) => r.key === prettyKey);
      expect(order).toBeDefined();
      return order!.partition;
    }, 30_000);
    expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([orderPartition]));
    const myStates = await eventually(() => {
      const found = states.filter((r) => r.key === prettyKey);
      expect(found.length).toBeGreaterThan(0);
      return found;
    }, 30_000);
    expect(new Set(myStates.map((r) => r.partition))).toEqual(new Set([orderPartition]));
    expect(results.filter((r) => r.key === compactKey)).toEqual([]);
    const feed = mine.map((r) => JSON.parse(r.value!)).find((v) => v.txnId === 'legacy_3');
    expect(feed).toMatchObject({ status: 'ACCEPTED', state: { shares: 5, fedMonkeys: 1 } });

    // A later order under the compact key is the same trader, answered under the compact key.
    await client.produce(TOPICS.feedMonkeys.name, [{ key: compactKey, value: '{"txnId":"legacy_4","monkeys":1}' }]);
    const compact = await eventually(() => {
      const found = results.find((r) => r.key === compactKey && JSON.parse(r.value!).txnId === 'legacy_4');
      expect(found).toBeDefined();
      return JSON.parse(found!.value!);
    }, 30_000);
    expect(compact).toMatchObject({ status: 'ACCEPTED', state: { fedMonkeys: 2 } });

    // The garbage is answered on txn-rejections, with reasons; the unreadable key under its raw bytes.
    const answered = await eventually(() => {
      const byKey = (key: string) => rejections.filter((r) => r.key === key).map((r) => JSON.parse(r.value!));
      const answers = { garbage: byKey(garbageKey), quix: byKey('QUIX/py'), intruder: byKey(intruderKey) };
      expect(answers.garbage).toHaveLength(2 * ACTION_TOPICS.length);
      expect(answers.quix).toHaveLength(ACTION_TOPICS.length);
      expect(answers.intruder).toHaveLength(ACTION_TOPICS.length);
      return answers;
    }, 30_000);
    for (const answer of [...answered.garbage, ...answered.quix, ...answered.intruder]) {
      expect(answer.status).toBe('REJECTED');
      expect(answer.reason).toMatch(/\S/);
    }
    expect(answered.garbage.map((a) => a.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/valid JSON/), expect.stringMatching(/expected/)]),
    );
    expect(answered.quix.every((a) => a.txnId === 'quix' && a.reason.includes('{"team":"…","name":"…"}'))).toBe(true);
    expect(answered.intruder.every((a) => a.field === 'key.team' && a.reason.includes(TEAMS_2018.join(', ')))).toBe(true);

    // House bots traded (as SAGOUIN), and every record the 2018 client read parses under its closed enums.
    await eventually(() => expect(results.some((r) => JSON.parse(r.key!).team === 'SAGOUIN')).toBe(true), 30_000);
    expect(prices.length).toBeGreaterThan(0);
    for (const record of [...prices, ...results, ...states]) {
      expect(() => jackson2018.record(record), `${record.topic} ${record.key} ${record.value}`).not.toThrow();
    }
    expect((await http(server, 'GET', '/api/health')).status).toBe(200);
  }, 90_000);

  it('refuses to register a team that does not play in the room, naming the teams', async (ctx) => {
    if (env === undefined) return ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const refused = await http(server, 'POST', '/api/traders', { body: { team: 'HOUSE', name: `x-${RUN}` } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain(TEAMS_2018.join(', '));
    expect(refused.body.problems).toEqual([expect.objectContaining({ field: 'team' })]);
    const accepted = await http(server, 'POST', '/api/traders', { body: { team: 'DRILL', name: `x-${kind}-${RUN}` } });
    expect(accepted.status).toBe(201);
  });

  // Last: it pauses the game.
  // Only where there is a broker: on the embedded bus no Kafka client can connect (the WebSocket test below covers it).
  if (kind === 'kafka') {
    it("the SDK's Kafka transport hears a refusal from txn-rejections as the REJECTED result it always was", async (ctx) => {
      if (env === undefined) return ctx.skip(`no ${kind} bus on this machine (see the message above)`);
      const client = await BananaClient.connect(new KafkaTransport({ brokers: env.brokers!, trader: { team: 'CAPUCIN', name: `sdk-${RUN}` } }));
      try {
        expect(await client.feed(1)).toMatchObject({ type: 'FEED', status: 'ACCEPTED' });
        await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN });
        expect(await client.feed(1)).toMatchObject({ type: 'FEED', status: 'REJECTED', reason: 'the game is paused', state: { fedMonkeys: 1 } });
      } finally {
        await http(server, 'POST', '/api/game/resume', { token: ADMIN_TOKEN });
        await client.close();
      }
    }, 60_000);
  }

  it("the SDK's WebSocket transport hears a refusal as the REJECTED result it always was", async () => {
    const trader = { team: 'CAPUCIN', name: `sdk-ws-${kind}-${RUN}` };
    const client = await BananaClient.connect(new WsTransport({ server: server.url, trader }), { resultTimeoutMs: 5000 });
    try {
      await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN });
      expect(await client.feed(1)).toMatchObject({ type: 'FEED', status: 'REJECTED', reason: 'the game is paused' });
    } finally {
      await http(server, 'POST', '/api/game/resume', { token: ADMIN_TOKEN });
      await client.close();
    }
  }, 60_000);
});
