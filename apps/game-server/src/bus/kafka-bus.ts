/**
 * The bus on a real Apache Kafka (kafkajs). Topics are created as DESIGN.md
 * lists them; keys are partitioned with Kafka's own murmur2 partitioner, so
 * any client agrees on where a trader's messages live; consumers read
 * committed data only; everything the server writes, and the offsets of what
 * it consumed, commit in transactions (see TransactionalWriter).
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { TopicSpec } from '@banana-market/protocol';
import {
  toBuffer,
  type BusMessage,
  type MessageBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from './message-bus.js';
import { TransactionalWriter } from './transactional-writer.js';

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
    const kafka = new Kafka({
      clientId: options.clientId ?? 'banana-market',
      brokers: [...options.brokers],
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry: LogEntry) => logKafka(logger, entry),
      retry: { retries: 8 },
    });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
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
    const run = this.topicsReady.then(() => this.createMissingTopics(specs));
    this.topicsReady = run.catch(() => undefined);
    return run;
  }

  private async createMissingTopics(specs: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: -1,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value: String(value) })),
          })),
        });
      } catch (err) {
        // Another server (or client) may have created some of them meanwhile: fine if they all exist now.
        const now = new Set(await this.admin.listTopics());
        const stillMissing = missing.filter((s) => !now.has(s.name));
        if (stillMissing.length > 0) {
          throw new Error(`could not create topics ${stillMissing.map((s) => s.name).join(', ')}: ${describeKafkaError(err)}`);
        }
      }
      this.logger.log(`created topics: ${missing.map((s) => `${s.name} (${s.partitions})`).join(', ')}`);
    }
    // Someone else's topic with other partition counts would break per-trader order for 2018 clients.
    const { topics } = await retryFreshTopic(() => this.admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) }));
    for (const spec of specs) {
      const found = topics.find((t) => t.name === spec.name);
      if (found !== undefined && found.partitions.length !== spec.partitions) {
        throw new Error(`topic "${spec.name}" has ${found.partitions.length} partitions, expected ${spec.partitions}; delete it or use another broker`);
      }
    }
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
    const joined = waitForJoin(consumer, options.groupId);
    await consumer.connect();
    await retryFreshTopic(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false }));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          await options.onMessage(toBusMessage(topic, partition, message));
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

  /**
   * Reads a topic from its beginning to its current end (committed data only),
   * with a throwaway group. Used on start to rebuild state, e.g. trader-states.
   */
  async readTopic(topic: string): Promise<BusMessage[]> {
    const ends = await retryFreshTopic(() => this.admin.fetchTopicOffsets(topic));
    const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
    if (remaining.size === 0) return [];
    const groupId = `banana-market-restore-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
    const messages: BusMessage[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not read ${topic} to its end within 60 s`)), 60_000);
      const reached = (partition: number, offset: string) => {
        const last = remaining.get(partition);
        if (last !== undefined && BigInt(offset) >= last) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // Fires for batches of data and for batches of transaction markers alike.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
    });
    await consumer.connect();
    await retryFreshTopic(() => consumer.subscribe({ topics: [topic], fromBeginning: true }));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        messages.push(toBusMessage(topic, partition, message));
      },
    });
    try {
      await done;
    } finally {
      await consumer.disconnect();
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return messages;
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

/** Right after a topic is created, its partitions may not answer offset requests yet. */
async function retryFreshTopic<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

function describeKafkaError(err: unknown): string {
  const nested = (err as { errors?: unknown[] }).errors;
  const parts = Array.isArray(nested) ? nested.map((e) => `${(e as Error).message}`) : [];
  return [String((err as Error).message ?? err), ...parts].join('; ');
}

function toBusMessage(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    timestamp: Number(message.timestamp),
  };
}

function waitForJoin(consumer: Consumer, groupId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumer group "${groupId}" did not join within ${JOIN_TIMEOUT_MS / 1000} s`)), JOIN_TIMEOUT_MS);
    const stop = consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** Errors kafkajs logs on its way to a successful retry: noise for a coach's terminal. */
const RETRIED_ERRORS = [
  'another concurrent operation on the same transaction',
  'coordinator is loading',
  'coordinator is not available',
  'not the correct coordinator',
  'does not host this topic-partition',
  'There is no leader for this topic-partition',
  'Topic creation errors',
  'not the leader for that topic-partition',
];

function logKafka(logger: Logger, { level, log }: LogEntry): void {
  const { message, ...extra } = log;
  const text = `${message} ${String((extra as { error?: unknown }).error ?? '')}`;
  if (RETRIED_ERRORS.some((known) => text.includes(known))) return;
  const line = `${message}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
  if (level === KafkaLogLevel.ERROR) logger.error(line);
  else if (level === KafkaLogLevel.WARN) logger.warn(line);
}
