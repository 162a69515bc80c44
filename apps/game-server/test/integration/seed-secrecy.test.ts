/**
 * The seed is secret on the topics too: whoever reads the broker — any
 * player's Kafka client — finds only its commitment until the game ends.
 * A short game is played (registration, orders over HTTP, a gibb, house
 * bots, ticks), every topic is read to its end and searched for the seed's
 * bytes; then the game ends and game-events reveals a seed matching the
 * commitment of GAME_STARTED. Run on the embedded bus and on a real broker.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, readToEnd } from '@banana-market/kafka';
import { ALL_TOPICS, decodeMessage, TOPICS, type GameEvent } from '@banana-market/protocol';
import { BUS_KINDS, eventually, type BusEnvironment } from '../support/buses.js';
import { ADMIN_TOKEN, http, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/ws-client.js';
import { useGameOnBus } from '../support/game-on-bus.js';

/** Long, unusual and new on every run: a broker shared with earlier runs holds none of it. */
const SECRET = `Kafka-Secret_${randomUUID()}_vY4q`;
const COMMITMENT = createHash('sha256').update(SECRET, 'utf8').digest('hex');

interface RecordBytes {
  readonly topic: string;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

describe.each(BUS_KINDS)('the seed on the topics of the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  let socket: TestSocket;

  /** Everything retained on the game's topics, read the way a player's client can (on Kafka: an outside client, committed data). */
  async function readEveryTopic(topics = ALL_TOPICS.map((t) => t.name)): Promise<RecordBytes[]> {
    if (kind === 'embedded') {
      const perTopic = await Promise.all(topics.map((t) => server.bus.readTopic(t)));
      return perTopic.flat().map(({ topic, offset, key, value }) => ({ topic, offset, key, value }));
    }
    const kafka = createKafkaClient({ clientId: 'seed-reader', brokers: env!.brokers! });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const consumed = await readToEnd(kafka, admin, topics, { groupIdPrefix: 'seed-reader' });
      return consumed.map(({ topic, message }) => ({ topic, offset: message.offset, key: message.key, value: message.value }));
    } finally {
      await admin.disconnect();
    }
  }

  function gameEvents(records: readonly RecordBytes[]): GameEvent[] {
    return records
      .filter((r) => r.topic === TOPICS.gameEvents.name)
      .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))
      .flatMap((r) => {
        const event = decodeMessage.gameEvent(r.value);
        return event.ok ? [event.value] : [];
      });
  }

  useGameOnBus(kind, { TICK_MS: '100', HOUSE_BOTS: '2', GAME_SEED: SECRET }, (game) => ({ env, server } = game));

  beforeAll(async () => {
    if (env === undefined) return;
    socket = await TestSocket.open(server.wsUrl);
  }, 180_000);

  afterAll(async () => {
    socket?.close();
  }, 60_000);

  it('is in no key or value of any topic while the game runs, and game-events reveals it at the end', async (ctx) => {
    if (env === undefined) return ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const registered = await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: `secret-${kind}-${randomUUID().slice(0, 8)}` } });
    expect(registered.status).toBe(201);
    const token = registered.body.token as string;
    for (const [path, body] of [
      ['/api/actions/market', { type: 'BUY', shares: 2 }],
      ['/api/actions/invest', { invested: 1 }],
      ['/api/actions/feed', { monkeys: 1 }],
      ['/api/actions/market', { type: 'SELL', shares: 99 }],
    ] as const) {
      expect((await http(server, 'POST', path, { token, body })).status).toBe(200);
    }
    expect((await http(server, 'POST', '/api/gibbs', { body: { text: 'banana great #MKTD' } })).status).toBe(202);
    // A second of game: ticks, the gibb's hype, the house bots' orders.
    await eventually(() => {
      expect(server.game.market().tick).toBeGreaterThanOrEqual(10);
      expect(socket.frames.some((f) => f.event === 'game-event' && f.data.type === 'HYPE_CHANGED')).toBe(true);
    });
    await server.game.flushed();

    const records = await readEveryTopic();
    const seedBytes = Buffer.from(SECRET, 'utf8');
    const topicsSeen = new Set(records.map((r) => r.topic));
    for (const topic of [TOPICS.sharePrice, TOPICS.gibberGibbs, TOPICS.marketOrders, TOPICS.txnResults, TOPICS.traderStates, TOPICS.gameEvents]) {
      expect(topicsSeen, topic.name).toContain(topic.name);
    }
    for (const record of records) {
      expect(record.key?.includes(seedBytes) ?? false, `${record.topic}@${record.offset} key`).toBe(false);
      expect(record.value?.includes(seedBytes) ?? false, `${record.topic}@${record.offset} value`).toBe(false);
    }
    const started = gameEvents(records).filter((e) => e.type === 'GAME_STARTED' && e.seedCommitment === COMMITMENT);
    expect(started).toHaveLength(1);
    expect(gameEvents(records).some((e) => e.type === 'GAME_ENDED' && e.seedCommitment === COMMITMENT)).toBe(false);
    for (const raw of socket.raw) expect(raw).not.toContain(SECRET);

    expect((await http(server, 'POST', '/api/game/end', { token: ADMIN_TOKEN })).status).toBe(200);
    await server.game.flushed();
    // On Kafka a commit's markers land a moment after the commit returns: the reader sees GAME_ENDED shortly after.
    const { events, start, end } = await eventually(async () => {
      const read = gameEvents(await readEveryTopic([TOPICS.gameEvents.name]));
      const found = {
        events: read,
        start: read.findIndex((e) => e.type === 'GAME_STARTED' && e.seedCommitment === COMMITMENT),
        end: read.findIndex((e) => e.type === 'GAME_ENDED' && e.seedCommitment === COMMITMENT),
      };
      expect(found.end).toBeGreaterThan(found.start);
      return found;
    });
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const ended = events[end];
    expect(ended).toMatchObject({ type: 'GAME_ENDED', seed: SECRET });
    expect(
      createHash('sha256')
        .update(ended.type === 'GAME_ENDED' ? ended.seed : '', 'utf8')
        .digest('hex'),
    ).toBe(COMMITMENT);
    const endFrame = await socket.next((f) => f.event === 'game-event' && f.data.type === 'GAME_ENDED');
    expect(endFrame.data).toMatchObject({ seed: SECRET, seedCommitment: COMMITMENT });
  }, 120_000);
});
