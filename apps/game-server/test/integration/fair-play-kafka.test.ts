/**
 * Fair play on an open Kafka broker, as a participant would try to break it
 * with a plain kafkajs client: with KAFKA_ORDERS=signed, orders under another
 * trader's key count only signed with that trader's token and fresh; and the
 * server believes no record on its own topics that it did not write — a
 * forged trader state or registration is refused live, after a restart, and
 * reported on /api/health and the dead letters.
 */
import { createHash } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, createProducer, orderSignature, type Producer } from '@banana-market/kafka';
import { ACTIONS, encode, NEW_TRADER_START, ORDER_SIGNATURE_HEADER, TOPICS, type TxnResult } from '@banana-market/protocol';
import { BananaClient, KafkaTransport } from '@banana-market/sdk/client';
import { eventually, type BusEnvironment, type RawRecord } from '../support/buses.js';
import { useGameOnBus } from '../support/game-on-bus.js';
import { http, startTestServer, type TestServer } from '../support/test-server.js';

const RUN = Date.now().toString(36);
const SERVER_ENV = { HOUSE_BOTS: '1', GAME_SEED: 'fair-play', KAFKA_ORDERS: 'signed', DATA_DIR: '' };

describe('fair play on a real Kafka broker', () => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  let attacker: Producer;
  let results: RawRecord[];
  let rejections: RawRecord[];
  let deadLetters: RawRecord[];

  /** Every line the servers log, and every secret the test handed out: no line may contain one. */
  const logged: string[] = [];
  const secrets: string[] = [];
  const logger: LoggerService = Object.fromEntries(
    (['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const).map((level) => [
      level,
      (...parts: unknown[]) => void logged.push(parts.map(String).join(' ')),
    ]),
  ) as unknown as LoggerService;
  useGameOnBus('kafka', SERVER_ENV, (game) => ({ env, server } = game), logger);

  beforeAll(async () => {
    if (env === undefined) return;
    results = await env.client.watch(TOPICS.txnResults.name);
    rejections = await env.client.watch(TOPICS.txnRejections.name);
    deadLetters = await env.client.watch(TOPICS.deadLetters.name);
    attacker = createProducer(createKafkaClient({ clientId: 'attacker', brokers: env.brokers! }));
    await attacker.connect();
  }, 180_000);

  afterAll(async () => {
    await attacker?.disconnect();
    // No token, signature or forged token in any log line (the forged records' reasons are logged: their bytes are not).
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logged.filter((line) => line.includes(secret))).toEqual([]);
  });

  const register = async (team: string, name: string): Promise<string> => {
    const registered = await http(server, 'POST', '/api/traders', { body: { team, name } });
    expect(registered.status).toBe(201);
    secrets.push(registered.body.token);
    return registered.body.token as string;
  };
  const answerOf = (records: RawRecord[], key: string, txnId: string) =>
    records
      .filter((r) => r.key === key)
      .map((r) => JSON.parse(r.value ?? 'null') as TxnResult & { field?: string })
      .filter((a) => a.txnId === txnId);

  it("counts an order under another trader's key only signed with its token and fresh; the SDK signs by itself", async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const victim = { team: 'VICTIM', name: `v-${RUN}` };
    const token = await register(victim.team, victim.name);
    const key = encode.traderKey(victim);
    const order = (txnId: string, shares: number, time = new Date()) =>
      ACTIONS.market.encode({ time: time.toISOString(), txnId, type: 'BUY', shares });
    const write = (value: string, headers?: Record<string, string>) =>
      attacker.send({ topic: TOPICS.marketOrders.name, messages: [{ key, value, headers }] });

    const forged = [
      { txnId: `unsigned-${RUN}`, value: order(`unsigned-${RUN}`, 5), headers: undefined, field: ORDER_SIGNATURE_HEADER, reason: /unsigned order/ },
      {
        txnId: `wrong-${RUN}`,
        value: order(`wrong-${RUN}`, 5),
        headers: { [ORDER_SIGNATURE_HEADER]: orderSignature('not-the-token', order(`wrong-${RUN}`, 5)) },
        field: ORDER_SIGNATURE_HEADER,
        reason: /wrong signature/,
      },
      // Signed right, but written 70 s ago: a replay once the txnId is forgotten.
      {
        txnId: `stale-${RUN}`,
        value: order(`stale-${RUN}`, 5, new Date(Date.now() - 70_000)),
        headers: 'sign',
        field: 'time',
        reason: /stale order: .* 70 s old/,
      },
    ] as const;
    for (const f of forged) {
      const headers = f.headers === 'sign' ? { [ORDER_SIGNATURE_HEADER]: orderSignature(token, f.value) } : f.headers;
      secrets.push(...Object.values(headers ?? {}));
      await write(f.value, headers);
    }
    for (const f of forged) {
      const [answer] = await eventually(() => {
        const found = answerOf(rejections, key, f.txnId);
        expect(found).toHaveLength(1);
        return found;
      }, 30_000);
      expect(answer, f.txnId).toMatchObject({ status: 'REJECTED', field: f.field, reason: expect.stringMatching(f.reason) });
    }

    // The same order signed with the victim's token counts — once, and nothing before it did.
    const signed = order(`signed-${RUN}`, 1);
    secrets.push(orderSignature(token, signed));
    await write(signed, { [ORDER_SIGNATURE_HEADER]: orderSignature(token, signed) });
    await write(signed, { [ORDER_SIGNATURE_HEADER]: orderSignature(token, signed) });
    const answers = await eventually(() => {
      const found = answerOf(results, key, `signed-${RUN}`);
      expect(found).toHaveLength(2);
      return found;
    }, 30_000);
    for (const answer of answers) expect(answer).toMatchObject({ status: 'ACCEPTED', state: { shares: NEW_TRADER_START.shares + 1 } });
    expect(answerOf(rejections, key, `signed-${RUN}`)).toEqual([]);

    // A bot of the SDK over Kafka, given its token, plays signed.
    const botToken = await register('VICTIM', `bot-${RUN}`);
    const bot = await BananaClient.connect(
      new KafkaTransport({ brokers: env.brokers!, trader: { team: 'VICTIM', name: `bot-${RUN}` }, token: botToken }),
    );
    try {
      expect(await bot.feed(1)).toMatchObject({ type: 'FEED', status: 'ACCEPTED' });
    } finally {
      await bot.close();
    }
    // The server's own orders (the gateways', the house bot's) carry its signature and count.
    const http200 = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 } });
    expect(http200).toMatchObject({ status: 200, body: { status: 'ACCEPTED' } });
    const house = encode.traderKey({ team: server.config.houseTeam, name: 'feeder-1' });
    await eventually(() => expect(results.some((r) => r.key === house && r.value?.includes('"ACCEPTED"'))).toBe(true), 30_000);
    expect(rejections.filter((r) => r.key === house)).toEqual([]);
  }, 180_000);

  it('refuses a forged trader state and a forged registration, reports them, and does not restore them', async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const victim = { team: 'VICTIM', name: `reg-${RUN}` };
    const victimToken = await register(victim.team, victim.name);
    const fake = { team: 'FAKE', name: `rich-${RUN}` };
    const attackerToken = 'attacker-chosen-token-0123456789';
    secrets.push(attackerToken);
    // A state the server would show, were it its own.
    const forgedState = encode.traderState({
      time: new Date().toISOString(),
      ...NEW_TRADER_START,
      coins: 99_999,
      bailouts: 0,
      fedMonkeys: 99_999,
      inFlightInvestments: 0,
    });
    await attacker.send({ topic: TOPICS.traderStates.name, messages: [{ key: encode.traderKey(fake), value: forgedState }] });
    const forgedRegistration = encode.traderRegistration({
      time: new Date().toISOString(),
      tokenSha256: createHash('sha256').update(attackerToken).digest('hex'),
    });
    await attacker.send({ topic: TOPICS.traderRegistrations.name, messages: [{ key: encode.traderKey(victim), value: forgedRegistration }] });

    const health = await eventually(async () => {
      const found = await http(server, 'GET', '/api/health');
      expect(found.body.forgedRecords.count).toBeGreaterThanOrEqual(2);
      return found.body;
    }, 30_000);
    expect(health.forgedRecords.last).toMatchObject({ reason: expect.stringContaining('not written by this game') });
    await eventually(() => {
      const reasons = deadLetters.map((d) => JSON.parse(d.value ?? '{}') as { topic: string; reason: string });
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ topic: TOPICS.traderStates.name, reason: expect.stringContaining('forged record refused') }),
          expect.objectContaining({ topic: TOPICS.traderRegistrations.name, reason: expect.stringContaining('forged record refused') }),
        ]),
      );
    }, 30_000);

    const check = async (on: TestServer) => {
      const board = await http(on, 'GET', '/api/leaderboard');
      expect(JSON.stringify(board.body)).not.toContain(fake.name);
      const asVictim = await http(on, 'POST', '/api/actions/feed', { token: attackerToken, body: { monkeys: 1 } });
      expect(asVictim.status).toBe(401);
      expect(await http(on, 'POST', '/api/actions/feed', { token: victimToken, body: { monkeys: 1 } })).toMatchObject({ status: 200 });
    };
    await check(server);

    // A server that starts now reads both topics from their start: the forgeries are refused again, never restored.
    const later = await startTestServer({ bus: await env.createBus(), env: SERVER_ENV, logger });
    try {
      await check(later);
      const health = await http(later, 'GET', '/api/health');
      expect(health.body.forgedRecords.count).toBeGreaterThanOrEqual(2);
    } finally {
      await later.close();
      await later.bus.close();
    }
  }, 180_000);
});
