/** Plain kafkajs clients (through @banana-market/kafka) that play the outside world for the Kafka runner's tests. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, vi } from 'vitest';
import {
  createKafkaClient,
  createProducer,
  ensureTopics,
  type Admin,
  type Consumer,
  type Kafka,
  type Producer,
  type SaslCredentials,
  type TopicSpec,
} from '@banana-market/kafka';

/** Topics a test reads — the game's with their partition counts (the protocol's specs), as the server would have made them. */
export async function createGameTopics(bootstrap: string, clientId: string, specs: readonly TopicSpec[], sasl?: SaslCredentials): Promise<void> {
  const admin = createKafkaClient({ clientId, brokers: [bootstrap], sasl }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, specs);
  } finally {
    await admin.disconnect();
  }
}

export interface ReadRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
}

/** Produces JSON records and collects the JSON records of topics, from their beginning. */
export class OutsideWorld {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers: Consumer[] = [];

  /** `sasl`: on a secured broker, e.g. as the game server (which writes the game's topics). */
  constructor(bootstrap: string, sasl?: SaslCredentials) {
    this.kafka = createKafkaClient({ clientId: 'outside-world', brokers: [bootstrap], sasl });
    this.producer = createProducer(this.kafka);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async produce(topic: string, records: { key: unknown; value: unknown; timestamp: number }[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: JSON.stringify(r.key), value: JSON.stringify(r.value), timestamp: String(r.timestamp) })),
    });
  }

  /**
   * Records of the topic, read from its beginning, growing as they arrive. A
   * record that is not JSON is left out: on a shared broker (KAFKA_BROKERS) the
   * game server's tests write garbage to the action topics, and a throwing
   * handler would make kafkajs deliver it again forever.
   */
  async watch(topic: string, { readUncommitted = false } = {}): Promise<ReadRecord[]> {
    const records: ReadRecord[] = [];
    // read_committed by default, as Kafka Streams' own consumers read: an aborted transaction's records never show.
    const consumer = this.kafka.consumer({ groupId: `outside-${randomUUID()}`, maxWaitTimeInMs: 100, readUncommitted });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          records.push({
            key: message.key === null ? null : JSON.parse(message.key.toString()),
            value: message.value === null ? null : JSON.parse(message.value.toString()),
            timestamp: Number(message.timestamp),
          });
        } catch {
          // not JSON: not written by these tests
        }
      },
    });
    return records;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer.disconnect();
  }
}

/** Polls until the check passes; after the deadline, throws the check's last failure. */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  return vi.waitFor(check, { timeout: timeoutMs, interval: everyMs });
}

export interface OutsideWorldOfFile {
  /** Connected before the file's tests run. */
  readonly outside: OutsideWorld;
  /** An admin of the broker (offsets, groups), connected before the file's tests run. */
  readonly admin: Admin;
  /** Closed after the file's tests, before the outside world and the broker: returns `app`. */
  started<App extends { close(): Promise<void> }>(app: App): App;
}

/**
 * A real-broker test file's set-up, which every such file has: before its
 * tests, `topics` made (the game's, with their partition counts), the
 * outside world and an admin connected; after them, every app the tests
 * started closed, then the admin, the outside world and the file's broker.
 */
export function useOutsideWorld(
  broker: { readonly bootstrap: string; stop(): Promise<void> } | undefined,
  topics: readonly TopicSpec[] = [],
): OutsideWorldOfFile {
  let outside: OutsideWorld | undefined;
  let admin: Admin | undefined;
  const apps: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    if (broker === undefined) return;
    const clientId = `outside-${randomUUID().slice(0, 8)}`;
    if (topics.length > 0) await createGameTopics(broker.bootstrap, clientId, topics);
    outside = new OutsideWorld(broker.bootstrap);
    await outside.connect();
    admin = createKafkaClient({ clientId, brokers: [broker.bootstrap] }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    try {
      // Every app closed, even after one fails to; the first failure is reported.
      const closed = await Promise.allSettled(apps.map((app) => app.close()));
      const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } finally {
      // A broker left running after an app failed to close costs every later file a core: the rest is stopped whatever happened.
      await admin?.disconnect().catch(() => undefined);
      await outside?.close().catch(() => undefined);
      await broker?.stop();
    }
  });
  const connected = <T>(client: T | undefined): T => {
    if (client === undefined) throw new Error('the outside world connects before the tests (beforeAll), on a broker');
    return client;
  };
  return {
    get outside() {
      return connected(outside);
    },
    get admin() {
      return connected(admin);
    },
    started(app) {
      apps.push(app);
      return app;
    },
  };
}
