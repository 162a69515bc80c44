import {
  createKafkaClient,
  ensureTopics,
  inTopicRequestRuns,
  waitForGroupJoin,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type SaslCredentials,
} from '@banana-market/kafka';
import { restoreChangelogs } from './changelog-restore.js';
import {
  connectDelivery,
  PROCESSING_GUARANTEES,
  TRANSACTION_TIMEOUT_MS,
  type Delivery,
  type OutgoingRecord,
  type ProcessingGuarantee,
} from './delivery.js';
import { repartitionTopicsOfApp, topicsOfApp } from './kafka-topics.js';
import { stderrLogger, type StreamsLogger } from './logger.js';
import { TopologyRuntime } from './runtime.js';
import type { Topology } from './topology.js';

export interface KafkaStreamsConfig {
  /** The consumer group, and the prefix of the changelog and repartition topics. */
  readonly applicationId: string;
  readonly brokers: string[];
  /** A secured broker's credentials (SASL over plaintext), e.g. a participant's from KAFKA_SASL_* (saslFromEnv). */
  readonly sasl?: SaslCredentials;
  /** kafkajs' log level; default NOTHING. */
  readonly logLevel?: number;
  /** Default: errors to stderr. */
  readonly logger?: StreamsLogger;
  /** How long start() may wait for new topics and for restoring the stores; default 60 s. */
  readonly startTimeoutMs?: number;
  /** How often WALL_CLOCK_TIME punctuations are checked, in ms; default 100 (Kafka checks at each poll). */
  readonly wallClockCheckMs?: number;
  /** Kafka's processing.guarantee: 'at_least_once' (the default) or 'exactly_once_v2'. */
  readonly processingGuarantee?: ProcessingGuarantee;
  /**
   * Kafka's commit.interval.ms: how often the input offsets (and, under
   * exactly-once, the transaction) are committed; outputs are sent after every
   * batch either way. Default 100 ms, Kafka's exactly-once default (its
   * at-least-once default is 30 s, which would replay up to 30 s after a crash).
   */
  readonly commitIntervalMs?: number;
  /** The topic a sink writes to, given the topic the topology names (e.g. one per participant); default: the same. */
  readonly outputTopicFor?: (topic: string) => string;
  /**
   * Kafka's session.timeout.ms: how long the group waits for a member that
   * stopped heartbeating (a killed instance) before its partitions go to a new
   * one; default kafkajs' 30 s. The broker accepts 6 s or more by default.
   */
  readonly sessionTimeoutMs?: number;
  /** The clock the commit interval follows, in ms; default Date.now. */
  readonly clock?: () => number;
}

const DEFAULT_COMMIT_INTERVAL_MS = 100;
/** The broker's default group.min.session.timeout.ms: a shorter session is refused at the join. */
const MIN_SESSION_TIMEOUT_MS = 6_000;

export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

export type KafkaStreamsState = 'created' | 'starting' | 'running' | 'closing' | 'closed' | 'error';

/**
 * Runs a topology on a real broker: one consumer group (the applicationId)
 * reading every source partition into a single task.
 *
 * After every batch its outputs and changelog writes are sent; every commit
 * interval the input offsets are committed. At-least-once (the default), a
 * crash in between replays those records: their outputs come twice and their
 * store updates are applied twice. A failed send alone replays nothing: the
 * outputs are kept and sent again. Exactly-once (`exactly_once_v2`), outputs,
 * changelog writes and offsets are one transaction: a crash aborts it, and the
 * next instance restores the stores as last committed and reads on from the
 * committed offsets. A failed transaction cannot be mended in place (the
 * stores already hold its updates), so the app stops in the 'error' state;
 * starting it again resumes from the last commit.
 *
 * Only one instance per applicationId should run at a time: each one holds
 * every key's state (a single task), so two would split the partitions but
 * not the state. Under exactly-once the second one fences the first.
 */
export class KafkaStreams {
  private readonly kafka: Kafka;
  private readonly logger: StreamsLogger;
  private readonly storeOfChangelog = new Map<string, string>();
  private readonly guarantee: ProcessingGuarantee;
  private readonly commitIntervalMs: number;
  private readonly clock: () => number;
  private lastCommitMs = 0;
  private runtime: TopologyRuntime | undefined;
  private admin: Admin | undefined;
  private delivery: Delivery | undefined;
  private consumer: Consumer | undefined;
  /** Sink records and changelog writes in the order they were made, until the broker has them. */
  private unsent: OutgoingRecord[] = [];
  /** Per topic/partition: the next offset to process, and the one last committed. */
  private readonly offsets = new Map<string, { topic: string; partition: number; next: bigint; committed?: bigint }>();
  /** The batch or wall-clock punctuation being processed: close() lets it finish, commit included. */
  private inFlight: Promise<void> = Promise.resolve();
  /** Batches and wall-clock punctuations run one after the other, never interleaved around a send. */
  private turn: Promise<void> = Promise.resolve();
  private wallClockTimer: NodeJS.Timeout | undefined;
  private state: KafkaStreamsState = 'created';
  /** Set when a transaction failed under exactly-once: nothing more is sent or committed. */
  private failed = false;
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
    this.guarantee = config.processingGuarantee ?? 'at_least_once';
    if (!PROCESSING_GUARANTEES.includes(this.guarantee)) {
      throw new RangeError(`processingGuarantee must be one of ${PROCESSING_GUARANTEES.join(', ')}, got ${JSON.stringify(this.guarantee)}`);
    }
    this.commitIntervalMs = config.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
    if (!Number.isFinite(this.commitIntervalMs) || this.commitIntervalMs < 0) {
      throw new RangeError(`commitIntervalMs must be a number of ms, 0 or more, got ${this.commitIntervalMs}`);
    }
    if (this.guarantee === 'exactly_once_v2' && this.commitIntervalMs >= TRANSACTION_TIMEOUT_MS) {
      // The broker would abort every transaction before its commit, and the app would stop at its first.
      throw new RangeError(
        `commitIntervalMs must be below the transaction timeout (${TRANSACTION_TIMEOUT_MS} ms) under exactly_once_v2, got ${this.commitIntervalMs}`,
      );
    }
    const sessionTimeout = config.sessionTimeoutMs;
    if (sessionTimeout !== undefined && !(Number.isFinite(sessionTimeout) && sessionTimeout >= MIN_SESSION_TIMEOUT_MS)) {
      throw new RangeError(
        `sessionTimeoutMs must be a number of ms, ${MIN_SESSION_TIMEOUT_MS} or more (the broker's group.min.session.timeout.ms), got ${sessionTimeout}`,
      );
    }
    this.clock = config.clock ?? Date.now;
    this.logger = config.logger ?? stderrLogger;
    this.kafka = createKafkaClient({ clientId: config.applicationId, brokers: config.brokers, logLevel: config.logLevel, sasl: config.sasl });
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

  /** Kafka's KafkaStreams#state(), in this runner's words: 'error' once a transaction failed under exactly-once. */
  get currentState(): KafkaStreamsState {
    return this.state;
  }

  droppedRecords(): number {
    return this.runtime?.droppedRecords() ?? 0;
  }

  private async startUp(): Promise<void> {
    const { applicationId } = this.config;
    const outputTopicFor = this.config.outputTopicFor ?? ((topic: string) => topic);
    const runtime = new TopologyRuntime(this.topology, {
      onStoreChange: (store, key, value) => this.unsent.push({ topic: changelogTopic(applicationId, store), message: { key, value } }),
      outputTopicFor,
      applicationId,
    });
    this.runtime = runtime;
    for (const store of runtime.changelogStoreNames) this.storeOfChangelog.set(changelogTopic(applicationId, store), store);

    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    const timeoutMs = this.config.startTimeoutMs ?? 60_000;
    const topics = topicsOfApp([...this.topology.sourceTopics, ...this.topology.sinkTopics.map(outputTopicFor)], [...this.storeOfChangelog.keys()]);
    await ensureTopics(admin, topics, { timeoutMs });
    // After the sources exist: a repartition topic gets as many partitions as they have at most. Consumed with them (runtime.sourceTopics).
    const repartitionTopics = await repartitionTopicsOfApp(admin, applicationId, this.topology.sourceTopics, this.topology.repartitionTopicSpecs);
    await ensureTopics(admin, repartitionTopics, { timeoutMs });
    // Before the restore: under exactly-once this fences an older instance and ends the transaction it left open.
    this.delivery = await connectDelivery(this.kafka, this.guarantee, applicationId, () => this.consumer);
    if (this.closing !== undefined) return;

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

    this.lastCommitMs = this.clock();
    const sessionTimeout = this.config.sessionTimeoutMs;
    const consumer = this.kafka.consumer({
      groupId: applicationId,
      maxWaitTimeInMs: 100,
      // Heartbeats at a third of the session, as Kafka's clients advise.
      ...(sessionTimeout === undefined ? {} : { sessionTimeout, heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)) }),
    });
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
    // Also when it fired nothing: the commit interval may have passed since the last batch.
    await this.deliver();
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
    await this.deliver();
    if (this.failed) return;
    resolveOffset((position.next - 1n).toString());
    await heartbeat();
  }

  /**
   * Sends what the processed records produced; once the commit interval has
   * passed (or when `force`d), commits how far the input was processed.
   * At-least-once, a failure is thrown: the outputs are kept and sent again
   * with the retried batch. Exactly-once, the transaction is aborted and the
   * app stops, since its stores already hold what the transaction undid.
   */
  private async deliver(force = false): Promise<void> {
    try {
      await this.flushAndCommit(force);
    } catch (error) {
      if (this.guarantee === 'at_least_once') throw error;
      await this.failTransaction(error);
    }
  }

  private async flushAndCommit(force: boolean): Promise<void> {
    const delivery = this.delivery;
    if (delivery === undefined || this.consumer === undefined || this.failed) return;
    // A request at a time; those the broker has are dropped even when a later one fails, so its retry sends only the rest.
    let sent = 0;
    try {
      for (const chunk of inTopicRequestRuns(this.unsent)) {
        await delivery.send(chunk);
        sent += chunk.length;
      }
    } finally {
      this.unsent = sent === this.unsent.length ? [] : this.unsent.slice(sent);
    }
    if (!force && this.clock() - this.lastCommitMs < this.commitIntervalMs) return;
    const due = [...this.offsets.values()].filter((p) => p.next > 0n && p.next !== p.committed);
    // Exactly-once, this also commits a transaction that holds only a wall-clock punctuation's outputs.
    await delivery.commit(due.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next.toString() })));
    for (const p of due) p.committed = p.next;
    this.lastCommitMs = this.clock();
  }

  private async failTransaction(error: unknown): Promise<void> {
    this.failed = true;
    this.unsent = [];
    this.logger.error(
      `${this.config.applicationId}: a transaction failed and was aborted; the app stops (a new instance resumes from the last commit)`,
      error,
    );
    try {
      await this.delivery?.abort();
    } catch (abortError) {
      // The broker aborts it anyway once the transaction times out or a new instance fences this one.
      this.logger.error('aborting the transaction failed', abortError);
    }
    // Not awaited: close() waits for the batch that called this one.
    void this.close();
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    await this.startUpSettled;
    clearInterval(this.wallClockTimer);
    await this.inFlight;
    try {
      // A clean close commits what the last batches did (Kafka commits on close too).
      await this.deliver(true);
    } catch (error) {
      this.logger.error('sending the last outputs or committing the last offsets failed; the next instance replays them', error);
    }
    for (const [what, step] of [
      ['consumer', () => this.consumer?.disconnect()],
      ['producer', () => this.delivery?.disconnect()],
      ['admin', () => this.admin?.disconnect()],
    ] as const) {
      try {
        await step();
      } catch (error) {
        this.logger.error(`closing the ${what} failed`, error);
      }
    }
    this.runtime?.close();
    this.state = this.failed ? 'error' : 'closed';
  }
}
