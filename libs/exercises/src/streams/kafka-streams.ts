import { Kafka, logLevel as kafkaLogLevel, Partitioners, type Admin, type Consumer, type EachBatchPayload, type Message, type Producer } from 'kafkajs';
import { restoreChangelogs } from './changelog-restore.js';
import { stderrLogger, type StreamsLogger } from './logger.js';
import { TopologyRuntime } from './runtime.js';
import type { Topology } from './topology.js';

export interface KafkaStreamsConfig {
  /** The consumer group, and the prefix of the changelog topics. */
  readonly applicationId: string;
  readonly brokers: string[];
  /** kafkajs' log level; default NOTHING. */
  readonly logLevel?: number;
  /** Default: errors to stderr. */
  readonly logger?: StreamsLogger;
  /** How long start() may spend restoring the stores; default 60 s. */
  readonly restoreTimeoutMs?: number;
}

export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

type State = 'created' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * Runs a topology on a real broker: one consumer group (the applicationId)
 * reading every source partition into a single task.
 *
 * Delivery is at-least-once: each batch's outputs and changelog writes are
 * produced (acks=all) before its input offsets are committed, so a crash in
 * between replays the batch. Only one instance per applicationId should run
 * at a time, since each one holds every key's state.
 */
export class KafkaStreams {
  private readonly kafka: Kafka;
  private readonly logger: StreamsLogger;
  private readonly changelogOf = new Map<string, string>();
  private readonly storeOfChangelog = new Map<string, string>();
  private runtime: TopologyRuntime | undefined;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  private pendingChangelog: { topic: string; key: Buffer; value: Buffer | null }[] = [];
  private state: State = 'created';
  /** Settles, never rejects, when start-up is over either way: shutting down waits for it. */
  private startUpSettled: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private requestClose: () => void = () => undefined;
  private readonly closeRequested = new Promise<void>((resolve) => {
    this.requestClose = resolve;
  });

  constructor(
    readonly topology: Topology,
    readonly config: KafkaStreamsConfig,
  ) {
    if (config.applicationId === '') throw new RangeError('KafkaStreams needs an applicationId');
    if (config.brokers.length === 0) throw new RangeError('KafkaStreams needs at least one broker');
    this.logger = config.logger ?? stderrLogger;
    this.kafka = new Kafka({ clientId: config.applicationId, brokers: config.brokers, logLevel: config.logLevel ?? kafkaLogLevel.NOTHING });
  }

  /** Creates missing topics, restores every store from its changelog, then consumes; resolves once the consumer joined its group. */
  start(): Promise<void> {
    if (this.state !== 'created') return Promise.reject(new Error(`start() can only be called once (the app is ${this.state})`));
    this.state = 'starting';
    const startUp = this.startUp();
    this.startUpSettled = startUp.then(
      () => undefined,
      () => undefined,
    );
    return startUp.then(
      () => {
        if (this.state === 'starting') this.state = 'running';
      },
      async (error: unknown) => {
        await this.close();
        throw error;
      },
    );
  }

  /** Stops consuming after the batch in progress, then disconnects; safe to call twice, or before start(). */
  close(): Promise<void> {
    this.requestClose();
    this.closing ??= this.shutDown();
    return this.closing;
  }

  droppedRecords(): number {
    return this.runtime?.droppedRecords() ?? 0;
  }

  private async startUp(): Promise<void> {
    const { applicationId } = this.config;
    const runtime = new TopologyRuntime(this.topology, {
      onStoreChange: (store, key, value) => this.pendingChangelog.push({ topic: this.changelogOf.get(store) ?? changelogTopic(applicationId, store), key, value }),
    });
    this.runtime = runtime;
    for (const store of runtime.changelogStoreNames) {
      const topic = changelogTopic(applicationId, store);
      this.changelogOf.set(store, topic);
      this.storeOfChangelog.set(topic, store);
    }

    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    await this.createMissingTopics(admin);

    await restoreChangelogs(
      this.kafka,
      admin,
      [...this.storeOfChangelog.keys()],
      (topic, key, value) => runtime.restore(this.storeOfChangelog.get(topic) as string, key, value),
      this.config.restoreTimeoutMs ?? 60_000,
    );
    this.logger.info(`${applicationId}: stores restored, stream time ${runtime.streamTimeMs}`);
    if (this.closing !== undefined) return;

    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: applicationId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    // A new group starts from the earliest records, like Kafka Streams' auto.offset.reset.
    await consumer.subscribe({ topics: [...runtime.sourceTopics], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.processBatch(payload) });
    await Promise.race([joined, this.closeRequested]);
  }

  private async createMissingTopics(admin: Admin): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const plain = [...new Set([...this.topology.sourceTopics, ...this.topology.sinkTopics])].filter((t) => !existing.has(t));
    const changelogs = [...this.storeOfChangelog.keys()].filter((t) => !existing.has(t));
    if (plain.length + changelogs.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        ...plain.map((topic) => ({ topic })),
        ...changelogs.map((topic) => ({ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
      ],
    });
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const runtime = this.runtime;
    const producer = this.producer;
    if (runtime === undefined || producer === undefined) return;
    const outputs = new Map<string, Message[]>();
    let next: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      try {
        for (const record of runtime.process(batch.topic, message.key, message.value, Number(message.timestamp))) {
          const messages = outputs.get(record.topic) ?? [];
          messages.push({ key: record.key, value: record.value, timestamp: String(record.timestamp) });
          outputs.set(record.topic, messages);
        }
      } catch (error) {
        // Like Kafka Streams' LogAndContinue handler: one bad record must not stop the app.
        this.logger.error(`${batch.topic}/${batch.partition}@${message.offset} skipped`, error);
      }
      next = (BigInt(message.offset) + 1n).toString();
    }
    if (next === undefined) return;
    for (const { topic, key, value } of this.pendingChangelog.splice(0)) {
      const messages = outputs.get(topic) ?? [];
      messages.push({ key, value });
      outputs.set(topic, messages);
    }
    if (outputs.size > 0) await producer.sendBatch({ acks: -1, topicMessages: [...outputs].map(([topic, messages]) => ({ topic, messages })) });
    await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    resolveOffset(String(BigInt(next) - 1n));
    await heartbeat();
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    await this.startUpSettled;
    for (const [what, step] of [
      ['consumer', () => this.consumer?.disconnect()],
      ['producer', () => this.producer?.disconnect()],
      ['admin', () => this.admin?.disconnect()],
    ] as const) {
      try {
        await step();
      } catch (error) {
        this.logger.error(`closing the ${what} failed`, error);
      }
    }
    this.runtime?.close();
    this.state = 'closed';
  }
}
