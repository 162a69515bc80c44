/**
 * The bus on a real Apache Kafka, through @banana-market/kafka. Topics are
 * created as DESIGN.md lists them; keys are partitioned with Kafka's own
 * murmur2 partitioner, so any client agrees on where a trader's messages
 * live; consumers read committed data only.
 *
 * Two kinds of writes. A task group's (subscribeTasks, KafkaTaskGroup) go
 * through the member's one transactional producer (@platformatic/kafka) with
 * the offsets its tasks consumed, under the member's group generation:
 * exactly_once_v2, several servers sharing one game. The server's own writes
 * (publish) go through one idempotent NON-transactional kafkajs producer
 * (acks all): they fence nobody and hold back no read_committed reader.
 *
 * It outlives its broker: a write that fails without an answer from the
 * broker, a consumer that crashes on a lost connection or a missed heartbeat
 * probe makes it degraded. Publishing then fails at once with
 * BusUnavailableError, every task is revoked, the consumers stop, and the
 * broker is probed with backoff until it answers; then a new producer is
 * made, the recovery hooks rebuild the in-memory state from the changelogs,
 * every subscription resumes from its committed offsets, the task groups
 * rejoin (their tasks come back through onAssigned), and the bus is ok again.
 */
import { Logger } from '@nestjs/common';
import type { TopicSpec } from './message-bus.js';
import {
  brokerErrorText,
  createKafkaClient,
  createProducer,
  ensureTopics,
  probeBrokers,
  readToEnd,
  SendingWriter,
  TopicFollower,
  withinTime,
  withRetry,
  type Admin,
  type Kafka,
  type Producer,
  type SaslCredentials,
} from '@banana-market/kafka';
import type { RecordAuthentication } from './record-authentication.js';
import type { ReadBackCounts } from './commit-read-back.js';
import { partitionForKey } from './key-partitioner.js';
import { KafkaSubscription, toBusMessage } from './kafka-subscription.js';
import { KafkaTaskGroup } from './kafka-task-group.js';
import { PhaseTimer } from './phase-timer.js';
import {
  BusUnavailableError,
  toBuffer,
  type BusHealth,
  type BusMessage,
  type FollowTopicsOptions,
  type MessageBus,
  type OutgoingMessage,
  type ReadTopicOptions,
  type SubscribeOptions,
  type Subscription,
  type TaskGroupOptions,
  type TaskStatus,
} from './message-bus.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /**
   * This server's identity in its task groups, kept across its restarts
   * (process-identity.ts): their transactional ids and static instance ids
   * derive from it. Default: a random one, nothing kept.
   */
  readonly processId?: string;
  /**
   * Called on what the bus cannot recover from by itself: the state not
   * rebuilt after the broker came back, a task group's tasks not taken for
   * another reason than the broker's absence (default: log). A broker that
   * goes away is not one: the bus degrades and recovers; a task fenced by
   * another server is not one either: that task is revoked (onRevoked).
   */
  readonly onFatalError?: (err: Error) => void;
  /** How often a healthy bus checks that the broker answers (default 3 s; 0: never, rely on failures). */
  readonly heartbeatMs?: number;
  /** The server's credentials on a secured broker (KAFKA_SASL_*). */
  readonly sasl?: SaslCredentials;
}

/** How long readTopic() may take to reach the end of a topic. */
const READ_TIMEOUT_MS = 60_000;
/**
 * kafkajs' retries for the server's producer: ≈ 2 s of them, so a broker that
 * went away fails the write within a few seconds rather than never (an
 * idempotent producer's default is unbounded retries; kafkajs warns once per
 * producer that bounding them may invalidate its guarantees: a write that
 * fails costs a recovery, and the caller sees the rejection).
 */
const SEND_RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 };
/** Probing a broker that went away: every 250 ms at first, then at most every 2 s. */
const PROBE_DELAYS = { minTimeout: 250, factor: 1.5, maxTimeout: 2_000 };
/** How long a probe may wait for a connection, then for the answer. */
const PROBE_TIMEOUT_MS = 3_000;
/** How long stopping a consumer or producer of a lost broker may take before it is left behind. */
const STOP_TIMEOUT_MS = 3_000;
/**
 * How often the partitions that read models do not fetch (their records come from this process's
 * commits) are checked for records somebody else wrote there: the longest such a record waits.
 */
const PAUSED_CHECK_MS = 1_000;

const OK: BusHealth = Object.freeze({ status: 'ok' });

export class KafkaBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly logger = new Logger('KafkaBus');
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly taskGroups = new Set<KafkaTaskGroup>();
  private readonly healthListeners = new Set<(health: BusHealth) => void>();
  private readonly recoveryHooks = new Set<{ run: () => Promise<void> }>();
  private readonly writer: SendingWriter;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  private currentHealth: BusHealth = OK;
  private recovery: Promise<void> | undefined;
  /** Set when the broker went away again while recovering: the recovery starts over. */
  private lostAgain = false;
  /** The heartbeat's probe: one at a time, and how many failed in a row. */
  private probing = false;
  private failedProbes = 0;
  private fatal = false;
  private topicsReady: Promise<void> = Promise.resolve();
  /** Topics ensureTopics has created or checked (partition counts included). */
  private readonly checkedTopics = new Set<string>();
  /** Their partition counts: a keyed write is placed here (as the producers would), so that a commit knows where each record went. */
  private readonly partitionCounts = new Map<string, number>();
  private readonly pausedCheck: NodeJS.Timeout;
  private checkingPaused = false;
  private closed = false;
  /** Signs what the bus writes and checks what it reads (authenticateRecords); none: neither. */
  private authentication: RecordAuthentication | undefined;

  private constructor(
    private readonly options: KafkaBusOptions,
    private readonly kafka: Kafka,
    private admin: Admin,
    private producer: Producer,
  ) {
    this.writer = new SendingWriter(producer, this.logger, (err) => this.sendFailed(err));
    this.pausedCheck = setInterval(() => void this.checkPausedPartitions(), PAUSED_CHECK_MS);
    this.pausedCheck.unref();
    const heartbeatMs = options.heartbeatMs ?? 3_000;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => void this.checkBroker(), heartbeatMs);
      this.heartbeat.unref();
    }
  }

  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const logger = new Logger('KafkaBus');
    const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, logger, retries: 8, sasl: options.sasl });
    const admin = kafka.admin();
    await admin.connect();
    const producer = serverProducer(kafka);
    await producer.connect();
    return new KafkaBus(options, kafka, admin, producer);
  }

  health(): BusHealth {
    return this.currentHealth;
  }

  onHealthChange(listener: (health: BusHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  authenticateRecords(authentication: RecordAuthentication): void {
    this.authentication = authentication;
  }

  /**
   * The messages as the writers take them: bytes, placed (a keyed one in its key's partition, as Kafka's
   * partitioner places it), the server's signature when records are authenticated, and what the value
   * decodes to when the publisher gave it (handed over with the commit to the read models, never written).
   */
  private outgoing(topic: string, messages: readonly OutgoingMessage[]) {
    const authentication = this.authentication;
    const partitions = this.partitionCounts.get(topic);
    return messages.map((m) => {
      const key = toBuffer(m.key);
      const value = toBuffer(m.value);
      const partition = m.partition ?? (key === null || partitions === undefined ? undefined : partitionForKey(topic, key, partitions));
      return { key, value, partition, headers: authentication?.headersFor(topic, key, value), context: m.decoded };
    });
  }

  /** A message read from Kafka as the server may believe it (undefined: a forgery, reported and skipped). */
  private admit(message: BusMessage): BusMessage | undefined {
    return this.authentication === undefined ? message : this.authentication.admit(message);
  }

  onRecovery(hook: () => Promise<void>): () => void {
    const entry = { run: hook };
    this.recoveryHooks.add(entry);
    return () => this.recoveryHooks.delete(entry);
  }

  /**
   * Serialised: two services ensuring topics at once must not race to create the same one. A topic
   * this bus has checked is not asked about again: every service ensures the topics it reads at start.
   */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const run = this.topicsReady.then(async () => {
      const unchecked = specs.filter((spec) => !this.checkedTopics.has(spec.name));
      if (unchecked.length === 0) return;
      const created = await ensureTopics(this.admin, unchecked);
      for (const spec of unchecked) {
        this.checkedTopics.add(spec.name);
        this.partitionCounts.set(spec.name, spec.partitions);
      }
      const partitionsOf = new Map(specs.map((s) => [s.name, s.partitions]));
      if (created.length > 0) this.logger.log(`created topics: ${created.map((name) => `${name} (${partitionsOf.get(name)})`).join(', ')}`);
    });
    this.topicsReady = run.catch(() => undefined);
    return run;
  }

  /**
   * The server's own writes, outside any task: idempotent, not transactional (see the file's comment).
   * Rejects at once with BusUnavailableError while the broker is away (nothing is queued meanwhile).
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.writer.write(topic, this.outgoing(topic, messages));
  }

  async subscribeTasks(options: TaskGroupOptions): Promise<Subscription> {
    if (this.currentHealth.status === 'degraded') throw new BusUnavailableError(this.currentHealth.reason);
    const group = new KafkaTaskGroup(
      {
        brokers: this.options.brokers,
        clientId: this.options.clientId ?? 'banana-market',
        processId: this.options.processId,
        sasl: this.options.sasl,
        outgoing: (topic, messages) => this.outgoing(topic, messages),
        logger: this.logger,
        admin: () => this.admin,
        brokerLost: (err) => this.brokerLost(err),
        fail: (err) => this.fail(err),
        committed: (records, ownsTask) => {
          for (const subscription of this.subscriptions) subscription.committed(records, ownsTask);
        },
        tasksLeft: (partitions) => {
          for (const subscription of this.subscriptions) subscription.tasksLeft(partitions);
        },
      },
      {
        ...options,
        onMessage: (message, task) => {
          const admitted = this.admit(message);
          return admitted === undefined ? undefined : options.onMessage(admitted, task);
        },
      },
    );
    this.taskGroups.add(group);
    try {
      await group.start();
    } catch (err) {
      this.taskGroups.delete(group);
      await group.close();
      throw err;
    }
    return {
      close: async () => {
        this.taskGroups.delete(group);
        await group.close();
      },
    };
  }

  async taskStatus(): Promise<readonly TaskStatus[]> {
    const all = await Promise.all([...this.taskGroups].map((g) => g.status()));
    return all.flat();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.currentHealth.status === 'degraded') throw new BusUnavailableError(this.currentHealth.reason);
    const subscription = new KafkaSubscription(
      { kafka: this.kafka, logger: this.logger, writer: this.writer, brokerLost: (err) => this.brokerLost(err) },
      {
        ...options,
        onMessage: (message) => {
          const admitted = this.admit(message);
          return admitted === undefined ? undefined : options.onMessage(admitted);
        },
      },
      options.onMessage,
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (err) {
      this.subscriptions.delete(subscription);
      await subscription.close();
      throw err;
    }
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  /** Per subscription that takes its own writes from commits (ownWritesFromCommits), by group: where its records came from. */
  readBackCounts(): ReadonlyMap<string, ReadBackCounts> {
    const counts = new Map<string, ReadBackCounts>();
    for (const subscription of this.subscriptions) {
      const own = subscription.readBackCounts();
      if (own !== undefined) counts.set(subscription.options.groupId, own);
    }
    return counts;
  }

  /**
   * The partitions read models do not fetch, against the broker's last stable offsets: one where somebody
   * else wrote since (another server's task, a forger) is fetched again (CommitReadBack.endsChecked).
   */
  private async checkPausedPartitions(): Promise<void> {
    if (this.closed || this.checkingPaused || this.currentHealth.status !== 'ok') return;
    const topics = new Set<string>();
    for (const subscription of this.subscriptions) for (const { topic } of subscription.pausedPartitions()) topics.add(topic);
    if (topics.size === 0) return;
    this.checkingPaused = true;
    try {
      for (const topic of topics) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        const ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
        for (const subscription of this.subscriptions) subscription.endsChecked(topic, ends);
      }
    } catch (err) {
      // The heartbeat and the writers tell an outage; a check that failed is made again in a second.
      this.logger.debug(`checking the paused partitions failed: ${brokerErrorText(err)}`);
    } finally {
      this.checkingPaused = false;
    }
  }

  /** Follows the players' topics that match (read as they are: they are not the server's, nothing to authenticate). */
  async followTopics(options: FollowTopicsOptions): Promise<Subscription> {
    const follower = await TopicFollower.start({
      kafka: this.kafka,
      ...options,
      onError: (error) => this.logger.warn(`following the topics of ${options.groupId}: ${(error as Error).message}`),
    });
    return { close: () => follower.close() };
  }

  /** Reads a topic to its current end (committed data only); used on start to rebuild state, e.g. trader-states. */
  async readTopic(topic: string, options: ReadTopicOptions = {}): Promise<BusMessage[]> {
    const consumed = await readToEnd(this.kafka, this.admin, [topic], {
      groupIdPrefix: 'banana-market-restore',
      timeoutMs: READ_TIMEOUT_MS,
      partitions: options.partitions,
    });
    return consumed.map(toBusMessage).flatMap((message) => this.admit(message) ?? []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.pausedCheck);
    await Promise.all([...this.subscriptions].map((s) => s.stopConsumer()));
    this.subscriptions.clear();
    await Promise.all([...this.taskGroups].map((g) => g.close()));
    this.taskGroups.clear();
    await this.writer.close().catch(() => undefined);
    await this.recovery;
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** The writer's report of a failed send: the broker's absence (re-synced on recovery). */
  private sendFailed(error: Error): void {
    // Suspended: the producer that failed is one already given up (its late failure tells nothing).
    if (this.writer.suspended) return;
    this.brokerLost(error);
  }

  /** A healthy bus asks now and then, so that an idle one (a paused game) learns of an outage too. */
  private async checkBroker(): Promise<void> {
    if (this.closed || this.currentHealth.status !== 'ok' || this.probing) return;
    this.probing = true;
    try {
      await probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS, sasl: this.options.sasl });
      this.failedProbes = 0;
    } catch (err) {
      // Twice in a row: one slow answer on a busy machine is no outage.
      this.failedProbes += 1;
      if (this.failedProbes >= 2 && this.currentHealth.status === 'ok' && !this.closed) this.brokerLost(err);
    } finally {
      this.probing = false;
    }
  }

  private brokerLost(error: unknown): void {
    if (this.closed || this.fatal) return;
    if (this.currentHealth.status === 'degraded') {
      // A suspended writer's failure is the old producer's (already known lost). A resumed one's means the
      // broker failed again while recovering (a write of the new producer): refuse writes, start over.
      if (this.writer.suspended) return;
      this.logger.warn(`Kafka failed again while recovering, starting over: ${brokerErrorText(error)}`);
      this.writer.suspend(new BusUnavailableError(this.currentHealth.reason, { cause: error }));
      for (const group of this.taskGroups) group.loseAll(new BusUnavailableError(this.currentHealth.reason, { cause: error }));
      this.lostAgain = true;
      return;
    }
    const since = new Date().toTimeString().slice(0, 8);
    const reason = `Kafka broker unreachable at ${this.options.brokers.join(',')} since ${since}: ${brokerErrorText(error)}`;
    this.writer.suspend(new BusUnavailableError(reason, { cause: error }));
    for (const group of this.taskGroups) group.loseAll(new BusUnavailableError(reason, { cause: error }));
    this.logger.warn(`${reason}; refusing actions until it answers again`);
    this.setHealth({ status: 'degraded', reason });
    this.recovery = this.recover().catch((err: unknown) => {
      this.fail(new Error(`recovering from the Kafka outage failed: ${String(err)}`, { cause: err }));
    });
  }

  private async recover(): Promise<void> {
    const lostAt = Date.now();
    for (let attempt = 1; !this.closed && !this.fatal; attempt++) {
      this.lostAgain = false;
      await Promise.all([...this.subscriptions].map((s) => s.stopConsumer()));
      await Promise.all([...this.taskGroups].map((g) => g.stopConsumer()));
      for (const group of this.taskGroups) group.loseAll(new BusUnavailableError(this.reasonNow(), { cause: new Error('recovering') }));
      // Until a broker answers and a new producer is connected.
      await withRetry(
        async () => {
          if (this.closed) return;
          await probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS, sasl: this.options.sasl });
          await this.reconnect();
        },
        { retries: Number.POSITIVE_INFINITY, ...PROBE_DELAYS, shouldRetry: () => !this.closed },
      );
      if (this.closed) return;
      this.logger.log(`Kafka answers again at ${this.options.brokers.join(',')}: producer re-created, re-checking the state against the changelogs`);
      const phases = new PhaseTimer();
      phases.begin('re-checking the state');
      try {
        for (const hook of [...this.recoveryHooks]) await hook.run();
        phases.begin('restarting the consumers');
      } catch (err) {
        if (await this.brokerAnswers()) {
          this.fail(
            new Error(
              `the game state could not be rebuilt from the changelog topics after Kafka came back (${String(err)}); ` +
                'the process state may not match Kafka: restart the server, it rebuilds its state from the topics on start',
              { cause: err },
            ),
          );
          return;
        }
        this.suspendAgain(err);
        continue;
      }
      try {
        await Promise.all([...this.subscriptions].filter((s) => !s.closed).map((s) => s.start()));
        phases.begin('taking the tasks');
        // Each group's tasks come back through onAssigned (their producers fence nobody but this bus' old ones).
        await Promise.all([...this.taskGroups].filter((g) => !g.isClosed).map((g) => g.start()));
        phases.end();
      } catch (err) {
        this.logger.warn(`resuming the consumers failed (attempt ${attempt}), starting over: ${brokerErrorText(err)}`);
        this.suspendAgain(err);
        continue;
      }
      if (this.lostAgain) continue;
      this.logger.log(`recovered from the Kafka outage after ${((Date.now() - lostAt) / 1000).toFixed(1)} s (${phases})`);
      this.failedProbes = 0;
      this.setHealth(OK);
      return;
    }
  }

  /** Refuses writes again after a failed recovery attempt (the next attempt re-creates the producer). */
  private suspendAgain(error: unknown): void {
    const reason = this.currentHealth.status === 'degraded' ? this.currentHealth.reason : brokerErrorText(error);
    this.writer.suspend(new BusUnavailableError(reason, { cause: error }));
    for (const group of this.taskGroups) group.loseAll(new BusUnavailableError(reason, { cause: error }));
  }

  private reasonNow(): string {
    return this.currentHealth.status === 'degraded' ? this.currentHealth.reason : 'the Kafka broker is unreachable';
  }

  /** A new server producer and admin client. */
  private async reconnect(): Promise<void> {
    // The old producer's last send ends first (kafkajs' bounded retries): its failure must not come after the new one started.
    await this.writer.settled();
    const old = this.producer;
    await withinTime(old.disconnect(), STOP_TIMEOUT_MS);
    const producer = serverProducer(this.kafka);
    try {
      await producer.connect();
    } catch (err) {
      await withinTime(producer.disconnect(), STOP_TIMEOUT_MS);
      throw err;
    }
    this.producer = producer;
    const oldAdmin = this.admin;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    await withinTime(oldAdmin.disconnect(), STOP_TIMEOUT_MS);
    await this.writer.resume(producer);
  }

  private async brokerAnswers(): Promise<boolean> {
    return probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS, sasl: this.options.sasl }).then(
      () => true,
      () => false,
    );
  }

  /** What the bus cannot recover from: refuse writes for good and tell the application (onFatalError). */
  private fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = true;
    this.writer.suspend(new BusUnavailableError(error.message, { cause: error }));
    for (const group of this.taskGroups) group.loseAll(new BusUnavailableError(error.message, { cause: error }));
    this.setHealth({ status: 'degraded', reason: `unrecoverable: ${error.message}` });
    if (this.options.onFatalError !== undefined) this.options.onFatalError(error);
    else this.logger.error(`unrecoverable Kafka error: ${error.message}`);
  }

  private setHealth(health: BusHealth): void {
    this.currentHealth = health;
    for (const listener of [...this.healthListeners]) {
      try {
        listener(health);
      } catch (err) {
        this.logger.error(`a bus health listener failed: ${String(err)}`);
      }
    }
  }
}

/** The server's own producer: idempotent (acks all), not transactional: it fences no other server. */
function serverProducer(kafka: Kafka): Producer {
  return createProducer(kafka, { idempotent: true, maxInFlightRequests: 1, retry: SEND_RETRY });
}
