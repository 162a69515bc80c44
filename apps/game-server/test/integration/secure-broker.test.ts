/**
 * The project's secured broker (`npm run kafka:start -- --secure`): SASL/SCRAM
 * users and ACLs from the protocol's table of who may do what. The game
 * server plays on it with its own credentials; a player, with the players'
 * credentials, may write orders and gibbs and read what the game publishes —
 * and the broker itself refuses its writes to the server's topics, its joining
 * the server's groups and its taking the server's transactional ids.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKafkaClient, createProducer, ensureTopics, waitForGroupJoin, type SaslCredentials } from '@banana-market/kafka';
import {
  ACTIONS,
  encode,
  LIVE_TOPIC_PREFIX,
  PLAYER_READABLE_TOPICS,
  PLAYER_WRITABLE_TOPICS,
  SERVER_WRITTEN_TOPICS,
  TOPICS,
} from '@banana-market/protocol';
import { KafkaBus } from '../../src/bus/kafka-bus.js';
import { http, startTestServer, type TestServer } from '../support/test-server.js';

interface SecuredBroker {
  readonly bootstrap: string;
  readonly users: { readonly server: { username: string; password: string }; readonly player: { username: string; password: string } };
  stop(): Promise<void>;
}

/** A secured broker of this file's own (KAFKA_BROKERS, a shared open one, cannot be it); undefined: skipped loudly. */
async function securedBroker(): Promise<SecuredBroker | undefined> {
  const tools = await import('../../../../tools/kafka/broker.mjs');
  const missing = tools.missingTools();
  if (missing.length > 0) {
    if (process.env.CI && !['false', '0'].includes(process.env.CI))
      throw new Error(`the secured-broker test needs ${missing.join(' and ')} (CI is set)`);
    console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING the secured-broker test: this machine lacks ${missing.join(' and ')}.\n${'!'.repeat(78)}\n`);
    return undefined;
  }
  return (await tools.startBroker({ secure: true })) as SecuredBroker;
}

const RUN = Date.now().toString(36);

describe('the secured project broker', () => {
  let broker: SecuredBroker | undefined;
  let server: TestServer;
  let player: SaslCredentials;

  beforeAll(async () => {
    broker = await securedBroker();
    if (broker === undefined) return;
    player = { mechanism: 'scram-sha-256', ...broker.users.player };
    const sasl: SaslCredentials = { mechanism: 'scram-sha-256', ...broker.users.server };
    const bus = await KafkaBus.connect({ brokers: [broker.bootstrap], sasl });
    server = await startTestServer({ bus, env: { GAME_SEED: 'secured', DATA_DIR: '' } });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await server?.bus.close();
    await broker?.stop();
  }, 60_000);

  const playerClient = (credentials: SaslCredentials | undefined = player) =>
    createKafkaClient({ clientId: `player-${randomUUID()}`, brokers: [broker!.bootstrap], sasl: credentials, retries: 1, connectionTimeoutMs: 3000 });

  it('lets the server play with its credentials, and a player write orders and read the answers', async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const registered = await http(server, 'POST', '/api/traders', { body: { team: 'SECURE', name: `http-${RUN}` } });
    expect(registered.status).toBe(201);
    expect(await http(server, 'POST', '/api/actions/feed', { token: registered.body.token, body: { monkeys: 1 } })).toMatchObject({
      status: 200,
      body: { status: 'ACCEPTED' },
    });

    const kafka = playerClient();
    const groupId = `player-${RUN}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const producer = createProducer(kafka);
    const key = encode.traderKey({ team: 'SECURE', name: `kafka-${RUN}` });
    const answers: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [TOPICS.txnResults.name], fromBeginning: true });
      const joined = waitForGroupJoin(consumer, groupId);
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === key) answers.push(message.value?.toString() ?? '');
        },
      });
      await joined;
      await producer.connect();
      await producer.send({ topic: TOPICS.feedMonkeys.name, messages: [{ key, value: ACTIONS.feed.encode({ txnId: `k-${RUN}`, monkeys: 1 }) }] });
      await vi.waitFor(() => expect(answers.join()).toContain('"ACCEPTED"'), { timeout: 30_000, interval: 100 });
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
    }
  }, 120_000);

  it("refuses a player's writes to every topic the server alone writes", async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const producer = createProducer(playerClient());
    await producer.connect();
    try {
      for (const topic of SERVER_WRITTEN_TOPICS) {
        await expect(producer.send({ topic, messages: [{ key: '{"team":"X","name":"y"}', value: '{"coins":99999}' }] }), topic).rejects.toThrow(
          /Not authorized to access topics/,
        );
      }
      for (const topic of PLAYER_WRITABLE_TOPICS) expect(PLAYER_READABLE_TOPICS).toContain(topic);
    } finally {
      await producer.disconnect();
    }
  }, 120_000);

  it("keeps the server's registrations unreadable, and its groups and transactional ids the server's", async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const kafka = playerClient();
    const reader = kafka.consumer({ groupId: `player-reader-${RUN}` });
    await reader.connect();
    try {
      await expect(reader.subscribe({ topics: [TOPICS.traderRegistrations.name], fromBeginning: true })).rejects.toMatchObject({
        type: 'TOPIC_AUTHORIZATION_FAILED',
      });
    } finally {
      await reader.disconnect();
    }
    const intruder = kafka.consumer({ groupId: 'banana-market-actions' });
    await intruder.connect();
    try {
      await intruder.subscribe({ topics: [TOPICS.marketOrders.name] });
      const crashed = new Promise<Error>((resolve) => intruder.on(intruder.events.CRASH, ({ payload }) => resolve(payload.error)));
      await intruder.run({ eachMessage: async () => undefined });
      expect(await crashed).toBeInstanceOf(Error);
      const admin = kafka.admin();
      await admin.connect();
      try {
        // kafkajs reports the broker's GROUP_AUTHORIZATION_FAILED on FindCoordinator as "Failed to find group
        // coordinator": the same request for a group of the player's own is answered.
        const offsetsOf = (groupId: string) => admin.fetchOffsets({ groupId, topics: [TOPICS.marketOrders.name] });
        await expect(offsetsOf(`player-${RUN}`)).resolves.toBeDefined();
        await expect(offsetsOf('banana-market-actions')).rejects.toThrow(/group coordinator/);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await intruder.disconnect();
    }
    // A transactional id of the player's own works; one of the server's (which would fence its producer) does not.
    const transactionWith = async (transactionalId: string) => {
      const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const transaction = await producer.transaction();
        await transaction.abort();
      } finally {
        await producer.disconnect();
      }
    };
    await expect(transactionWith(`player-${RUN}`)).resolves.toBeUndefined();
    await expect(transactionWith('banana-market-actions-member-x')).rejects.toThrow(/coordinator/);
  }, 120_000);

  it('lets a player create, write and read topics of their own (live-*, npm run exercises -- --live), and create no other', async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const kafka = playerClient();
    const topic = `${LIVE_TOPIC_PREFIX}alice-${RUN}-kata-05-price-alerts`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(ensureTopics(admin, [{ name: topic, partitions: 1 }], { timeoutMs: 30_000 })).resolves.toEqual([topic]);
      await expect(admin.createTopics({ topics: [{ topic: `not-live-${RUN}`, numPartitions: 1 }] })).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
    const producer = createProducer(kafka);
    const groupId = `${LIVE_TOPIC_PREFIX}alice-${RUN}-05-hopping-and-sliding-windows`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const read: string[] = [];
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: '"GNOU"', value: '{"time":"2026-11-23T09:00:00.000Z","average":1.6,"prices":3}' }] });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          read.push(message.value?.toString() ?? '');
        },
      });
      await vi.waitFor(() => expect(read).toEqual(['{"time":"2026-11-23T09:00:00.000Z","average":1.6,"prices":3}']), {
        timeout: 30_000,
        interval: 100,
      });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 120_000);

  it('lets no client in without the right password', async (ctx) => {
    if (broker === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const wrong = playerClient({ ...player, password: 'not-the-password' }).admin();
    await expect(wrong.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    const admin = createKafkaClient({
      clientId: 'anonymous',
      brokers: [broker.bootstrap],
      retries: 0,
      connectionTimeoutMs: 2000,
      requestTimeoutMs: 2000,
    }).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toBeDefined();
    await admin.disconnect();
  }, 60_000);
});
