import {
  createKafkaClient,
  createProducer,
  ensureTopics,
  waitForGroupJoin,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Message,
  type Producer,
} from '@banana-market/kafka';
import { restoreChangelogs } from './changelog-restore.js';
import { topicsOfApp } from './kafka-topics.js';
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
  /** How long start() may wait for new topics and for restoring the stores; default 60 s. */
  readonly startTimeoutMs?: number;
  /** How often WALL_CLOCK_TIME punctuations are checked, in ms; default 100 (Kafka checks at each poll). */
  readonly wallClockCheckMs?: number;
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
 * between replays the batch (its outputs come twice, its store updates are
 * applied twice). A failed send alone replays nothing: the outputs are kept and
 * sent again. Exactly-once would need transactions plus re-restoring the
 * stores after every abort, which the katas do not need.
 *
 * Only one instance per applicationId should run at a time: each one holds
 * every key's state (a single task), so two would split the partitions but
 * not the state.
 */
export class KafkaStreams {
  private readonly kafka: Kafka;
  private readonly logger: StreamsLogger;
  private readonly storeOfChangelog = new Map<string, string>();
  private runtime: TopologyRuntime | undefined;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  /** Sink records and changelog writes in the order they were made, until the broker has them. */
  private unsent: { topic: string; message: Message }[] = [];
  /** Per topic/partition: the next offset to process, and the one last committed. */
  private readonly offsets = new Map<string, { topic: string; partition: number; next: bigint; committed?: bigint }>();
  /** The batch or wall-clock punctuation being processed: close() lets it finish, commit included. */
  private inFlight: Promise<void> = Promise.resolve();
  /** Batches and wall-clock punctuations run one after the other, never interleaved around a send. */
  private turn: Promise<void> = Promise.resolve();
  private wallClockTimer: NodeJS.Timeout | undefined;
  private state: State = 'created';
  /** Settles, never rejects, when start-up is over either way: shutting down waits for it. */
  private startUpSettled: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  /** Aborted by close(): start-up stops waiting for the group join. */
  private readonly closeRequest = new AbortController();

  constructor(
    readonly topology: Topology,
    readonly config: KafkaStreamsConfig,
  ) {
    if (config.applicationId === '') throw new RangeError('KafkaStreams needs an applicationId');
    if (config.brokers.length === 0) throw new RangeError('KafkaStreams needs at least one broker');
    this.logger = config.logger ?? stderrLogger;
    this.kafka = createKafkaClient({ clientId: config.applicationId, brokers: config.brokers, logLevel: config.logLevel });
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
    this.closeRequest.abort();
    this.closing ??= this.shutDown();
    return this.closing;
  }

  droppedRecords(): number {
    return this.runtime?.droppedRecords() ?? 0;
  }

  private async startUp(): Promise<void> {
    const { applicationId } = this.config;
    const runtime = new TopologyRuntime(this.topology, {
      onStoreChange: (store, key, value) => this.unsent.push({ topic: changelogTopic(applicationId, store), message: { key, value } }),
    });
    this.runtime = runtime;
    for (const store of runtime.changelogStoreNames) this.storeOfChangelog.set(changelogTopic(applicationId, store), store);

    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    const timeoutMs = this.config.startTimeoutMs ?? 60_000;
    const topics = topicsOfApp([...this.topology.sourceTopics, ...this.topology.sinkTopics], [...this.storeOfChangelog.keys()]);
    await ensureTopics(admin, topics, { timeoutMs });

    await restoreChangelogs(
      this.kafka,
      admin,
      [...this.storeOfChangelog.keys()],
      (topic, key, value) => runtime.restore(this.storeOfChangelog.get(topic) as string, key, value),
      timeoutMs,
    );
    this.logger.info(`${applicationId}: stores restored, stream time ${runtime.streamTimeMs}`);
    if (this.closing !== undefined) return;
    // The processors start after the restore: init() sees the stores, and wall-clock punctuations count from now.
    runtime.init();

    this.producer = createProducer(this.kafka);
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: applicationId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer after a retriable failure; any other one ends this app's consuming.
      if (!payload.restart) this.logger.error(`the consumer of ${applicationId} stopped`, payload.error);
    });
    await consumer.connect();
    // A new group starts from the earliest records, like Kafka Streams' auto.offset.reset.
    await consumer.subscribe({ topics: [...runtime.sourceTopics], fromBeginning: true });
    // Rejects on such a crash during start-up, which start() then reports.
    const joined = waitForGroupJoin(consumer, applicationId, { timeoutMs, signal: this.closeRequest.signal });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.exclusively(() => this.processBatch(payload)),
    });
    await joined;
    if (this.closing === undefined) {
      this.wallClockTimer = setInterval(() => {
        this.exclusively(() => this.punctuateWallClock()).catch((error: unknown) =>
          this.logger.error('a wall-clock punctuation failed; its outputs are sent at the next one or the next batch', error),
        );
      }, this.config.wallClockCheckMs ?? 100);
    }
  }

  /** Runs `work` after the batch or punctuation in progress; close() waits for it. */
  private exclusively(work: () => Promise<void>): Promise<void> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    this.inFlight = this.turn;
    return run;
  }

  /** Fires the due WALL_CLOCK_TIME punctuations and sends what they produced (outputs, store changes). */
  private async punctuateWallClock(): Promise<void> {
    const runtime = this.runtime;
    if (runtime === undefined || this.closing !== undefined) return;
    for (const record of runtime.punctuateWallClock()) {
      this.unsent.push({ topic: record.topic, message: { key: record.key, value: record.value, timestamp: String(record.timestamp) } });
    }
    if (this.unsent.length > 0) await this.flushAndCommit();
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const runtime = this.runtime;
    // Once closing, a batch is left to the next instance, from the committed offsets.
    if (runtime === undefined || this.closing !== undefined) return;
    const partitionId = `${batch.topic}/${batch.partition}`;
    const position = this.offsets.get(partitionId) ?? { topic: batch.topic, partition: batch.partition, next: 0n };
    this.offsets.set(partitionId, position);
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const offset = BigInt(message.offset);
      // A batch comes again when sending its outputs failed: what it already did to the stores must not be done twice.
      if (offset < position.next) continue;
      try {
        for (const record of runtime.process(batch.topic, message.key, message.value, Number(message.timestamp), batch.partition)) {
          this.unsent.push({ topic: record.topic, message: { key: record.key, value: record.value, timestamp: String(record.timestamp) } });
        }
      } catch (error) {
        // Like Kafka Streams' LogAndContinue handler: one bad record must not stop the app.
        this.logger.error(`${partitionId}@${message.offset} skipped`, error);
      }
      position.next = offset + 1n;
    }
    if (position.next === 0n) return;
    await this.flushAndCommit();
    resolveOffset((position.next - 1n).toString());
    await heartbeat();
  }

  /** Sends what the processed records produced, then (only then) commits how far the input was processed. */
  private async flushAndCommit(): Promise<void> {
    const producer = this.producer;
    const consumer = this.consumer;
    if (producer === undefined || consumer === undefined) return;
    if (this.unsent.length > 0) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message } of this.unsent) {
        const messages = byTopic.get(topic) ?? [];
        messages.push(message);
        byTopic.set(topic, messages);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      this.unsent = [];
    }
    const due = [...this.offsets.values()].filter((p) => p.next > 0n && p.next !== p.committed);
    if (due.length === 0) return;
    await consumer.commitOffsets(due.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next.toString() })));
    for (const p of due) p.committed = p.next;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    await this.startUpSettled;
    clearInterval(this.wallClockTimer);
    await this.inFlight;
    try {
      // Normally a no-op: the last batch committed itself, unless its send or commit failed.
      await this.flushAndCommit();
    } catch (error) {
      this.logger.error('sending the last outputs or committing the last offsets failed; the next instance replays them', error);
    }
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
