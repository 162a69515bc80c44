/**
 * The buses the integration suite runs on: the embedded one, and a real
 * Apache Kafka broker started for the test file (tools/kafka) unless
 * KAFKA_BROKERS points at one. Each bus comes with an "outside client" that
 * writes and reads raw bytes the way any Kafka client would — on Kafka it is
 * plain kafkajs (through @banana-market/kafka), none of the server's bus code.
 */
import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import { createKafkaClient, createProducer, waitForGroupJoin, type Consumer, type Producer } from '@banana-market/kafka';
import type { BusKind, MessageBus } from '../../src/bus/message-bus.js';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import { KafkaBus } from '../../src/bus/kafka-bus.js';

export const BUS_KINDS: readonly BusKind[] = ['embedded', 'kafka'];

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: string | null;
}

export interface OutsideClient {
  produce(topic: string, messages: { key: string | Buffer | null; value: string | Buffer | null }[]): Promise<void>;
  /** Starts collecting a topic's records from now on. */
  watch(topic: string): Promise<RawRecord[]>;
  close(): Promise<void>;
}

export interface BusEnvironment {
  readonly kind: BusKind;
  /** A new bus on the same underlying log (a restarted server sees what the previous one wrote). */
  createBus(): Promise<MessageBus>;
  readonly client: OutsideClient;
  readonly brokers?: readonly string[];
  stop(): Promise<void>;
}

/** undefined when this machine cannot run the bus (a loud message was printed); CI fails instead. */
export async function busEnvironment(kind: BusKind): Promise<BusEnvironment | undefined> {
  return kind === 'embedded' ? embeddedEnvironment() : kafkaEnvironment();
}

function embeddedEnvironment(): BusEnvironment {
  const bus = new EmbeddedBus();
  // A "restart" keeps the log: the same embedded bus is handed to the next server.
  const shared: MessageBus = { ...bindAll(bus), close: async () => undefined };
  return {
    kind: 'embedded',
    createBus: async () => shared,
    client: {
      produce: (topic, messages) => bus.publish(topic, messages),
      watch: async (topic) => {
        const records: RawRecord[] = [];
        await bus.subscribe({
          groupId: `outside-${randomUUID()}`,
          topics: [topic],
          commitOffsets: false,
          onMessage: (m) => {
            records.push({ topic: m.topic, partition: m.partition, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
          },
        });
        return records;
      },
      close: async () => undefined,
    },
    stop: () => bus.close(),
  };
}

export interface TestBroker {
  readonly bootstrap: string;
  stop(): Promise<void>;
}

/**
 * The broker of KAFKA_BROKERS when set (tests then share it: run Kafka test
 * files one at a time, `--maxWorkers 1`), else a fresh one from tools/kafka for this file.
 */
export async function testBroker(): Promise<TestBroker | undefined> {
  const given = process.env.KAFKA_BROKERS;
  if (given !== undefined && given !== '') return { bootstrap: given, stop: async () => undefined };
  const { brokerForTests } = await import('../../../../tools/kafka/broker.mjs');
  return brokerForTests();
}

async function kafkaEnvironment(): Promise<BusEnvironment | undefined> {
  const broker = await testBroker();
  if (broker === undefined) return undefined;
  const brokers = [broker.bootstrap];
  const kafka = createKafkaClient({ clientId: 'outside-client', brokers });
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const consumers: Consumer[] = [];
  const buses: MessageBus[] = [];
  return {
    kind: 'kafka',
    brokers,
    createBus: async () => {
      const bus = await KafkaBus.connect({ brokers });
      buses.push(bus);
      return bus;
    },
    client: {
      produce: async (topic, messages) => {
        await producer.send({ topic, messages });
      },
      watch: async (topic) => {
        const records: RawRecord[] = [];
        const groupId = `outside-${randomUUID()}`;
        const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
        consumers.push(consumer);
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: false });
        const joined = waitForGroupJoin(consumer, groupId);
        // kafkajs resolves "latest" at its first fetch after the join: a record written between the two is
        // never seen. Watching starts once that first fetch is done.
        const fetched = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => resolve()));
        await consumer.run({
          eachMessage: async ({ topic: t, partition, message }) => {
            records.push({ topic: t, partition, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
          },
        });
        await joined;
        await fetched;
        return records;
      },
      close: async () => {
        await Promise.all(consumers.map((c) => c.disconnect()));
        await producer.disconnect();
      },
    },
    stop: async () => {
      for (const bus of buses) await bus.close().catch(() => undefined);
      await broker.stop();
    },
  };
}

function bindAll(bus: EmbeddedBus): MessageBus {
  return {
    kind: bus.kind,
    ensureTopics: bus.ensureTopics.bind(bus),
    publish: bus.publish.bind(bus),
    subscribe: bus.subscribe.bind(bus),
    subscribeTasks: bus.subscribeTasks.bind(bus),
    taskStatus: bus.taskStatus.bind(bus),
    readTopic: bus.readTopic.bind(bus),
    close: bus.close.bind(bus),
  };
}

/** Polls until the check passes (or throws its last failure after the timeout). */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  return vi.waitFor(check, { timeout: timeoutMs, interval: everyMs });
}
