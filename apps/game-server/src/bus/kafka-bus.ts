/**
 * The bus on a real Apache Kafka, through @banana-market/kafka. Topics are
 * created as DESIGN.md lists them; keys are partitioned with Kafka's own
 * murmur2 partitioner, so any client agrees on where a trader's messages
 * live; consumers read committed data only; everything the server writes, and
 * the offsets of what it consumed, commit in transactions (see
 * TransactionalWriter).
 */
import { Logger } from '@nestjs/common';
import type { TopicSpec } from '@banana-market/protocol';
import {
  createKafkaClient,
  createProducer,
  ensureTopics,
  readToEnd,
  retryRetriable,
  TransactionalWriter,
  waitForGroupJoin,
  type Admin,
  type Consumer,
  type ConsumedMessage,
  type Kafka,
  type Producer,
} from '@banana-market/kafka';
import { toBuffer, type BusMessage, type MessageBus, type OutgoingMessage, type SubscribeOptions, type Subscription } from './message-bus.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /**
   * One per server: a restarted server with the same id fences the old one
   * and aborts its unfinished transaction.
   */
  readonly transactionalId?: string;
  /** Called when a transaction cannot commit (default: log; main exits so a restart re-syncs). */
  readonly onFatalError?: (err: Error) => void;
}

/** How long subscribe() waits for the consumer to join its group. */
const JOIN_TIMEOUT_MS = 30_000;
/** How long readTopic() may take to reach the end of a topic. */
const READ_TIMEOUT_MS = 60_000;

export class KafkaBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly logger = new Logger('KafkaBus');
  private readonly consumers = new Set<Consumer>();
  private topicsReady: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly writer: TransactionalWriter,
  ) {}

  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const logger = new Logger('KafkaBus');
    const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, logger, retries: 8 });
    const admin = kafka.admin();
    await admin.connect();
    const producer = createProducer(kafka, {
      transactionalId: options.transactionalId ?? 'banana-market-server',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const onFatal = options.onFatalError ?? ((err: Error) => logger.error(`unrecoverable Kafka error: ${err.message}`));
    return new KafkaBus(kafka, admin, producer, new TransactionalWriter(producer, logger, onFatal));
  }

  /** Serialised: two services ensuring topics at once must not race to create the same one. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const run = this.topicsReady.then(async () => {
      const created = await ensureTopics(this.admin, specs);
      const partitionsOf = new Map(specs.map((s) => [s.name, s.partitions]));
      if (created.length > 0) this.logger.log(`created topics: ${created.map((name) => `${name} (${partitionsOf.get(name)})`).join(', ')}`);
    });
    this.topicsReady = run.catch(() => undefined);
    return run;
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.writer.write(
      topic,
      messages.map((m) => ({ key: toBuffer(m.key), value: toBuffer(m.value) })),
    );
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const commitOffsets = options.commitOffsets ?? true;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await retryRetriable(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false }), JOIN_TIMEOUT_MS);
    const joined = waitForGroupJoin(consumer, options.groupId, { timeoutMs: JOIN_TIMEOUT_MS });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          await options.onMessage(toBusMessage({ topic, partition, message }));
        } catch (err) {
          this.logger.error(`consumer group ${options.groupId} failed on ${topic}/${partition}@${message.offset}: ${String(err)}`);
        }
        if (commitOffsets) this.writer.markConsumed(options.groupId, topic, partition, String(BigInt(message.offset) + 1n));
      },
    });
    await joined;
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /** Reads a topic to its current end (committed data only); used on start to rebuild state, e.g. trader-states. */
  async readTopic(topic: string): Promise<BusMessage[]> {
    const consumed = await readToEnd(this.kafka, this.admin, [topic], { groupIdPrefix: 'banana-market-restore', timeoutMs: READ_TIMEOUT_MS });
    return consumed.map(toBusMessage);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
    await this.writer.close().catch(() => undefined);
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

function toBusMessage({ topic, partition, message }: ConsumedMessage): BusMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: Number(message.timestamp) };
}
