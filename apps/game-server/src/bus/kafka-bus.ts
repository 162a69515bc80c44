/**
 * The bus on a real Apache Kafka, through @banana-market/kafka. Topics are
 * created as DESIGN.md lists them; keys are partitioned with Kafka's own
 * murmur2 partitioner, so any client agrees on where a trader's messages
 * live; consumers read committed data only; everything the server writes, and
 * the offsets of what it consumed, commit in transactions (see
 * TransactionalWriter).
 *
 * It outlives its broker: a transaction that fails without an answer from the
 * broker, a consumer that crashes on a lost connection or a missed heartbeat
 * probe makes it degraded. Publishing then fails at once with
 * BusUnavailableError, the consumers stop, and the broker is probed with
 * backoff until it answers; then a new transactional producer with the same
 * transactionalId fences the old one (aborting its open transaction), the
 * recovery hooks rebuild the in-memory state from the changelogs, every
 * subscription resumes from its committed offsets, and the bus is ok again.
 */
import { Logger } from '@nestjs/common';
import type { TopicSpec } from '@banana-market/protocol';
import {
  brokerErrorText,
  createKafkaClient,
  createProducer,
  ensureTopics,
  initTransactions,
  isBrokerLoss,
  isFencedProducer,
  probeBrokers,
  readToEnd,
  retryRetriable,
  TransactionalWriter,
  waitForGroupJoin,
  withRetry,
  type Admin,
  type Consumer,
  type ConsumedMessage,
  type Kafka,
  type Producer,
} from '@banana-market/kafka';
import {
  BusUnavailableError,
  toBuffer,
  type BusHealth,
  type BusMessage,
  type MessageBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from './message-bus.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /**
   * One per server: a restarted server with the same id fences the old one
   * and aborts its unfinished transaction.
   */
  readonly transactionalId?: string;
  /**
   * Called on what the bus cannot recover from by itself: its producer fenced
   * by another live server with the same transactionalId, or the state not
   * rebuilt after the broker came back (default: log). A broker that goes
   * away is not one: the bus degrades and recovers.
   */
  readonly onFatalError?: (err: Error) => void;
  /** How often a healthy bus checks that the broker answers (default 3 s; 0: never, rely on failures). */
  readonly heartbeatMs?: number;
}

/** How long subscribe() waits for the consumer to join its group. */
const JOIN_TIMEOUT_MS = 30_000;
/** How long readTopic() may take to reach the end of a topic. */
const READ_TIMEOUT_MS = 60_000;
/**
 * kafkajs' retries for the transaction path: ≈ 2 s of them, so a broker that
 * went away fails the transaction within a few seconds rather than the 15 s
 * of the client's default (busy answers, CONCURRENT_TRANSACTIONS, are retried
 * again by the writer, and a failure only costs a recovery).
 */
const TRANSACTION_RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 };
/** Probing a broker that went away: every 250 ms at first, then at most every 2 s. */
const PROBE_DELAYS = { minTimeout: 250, factor: 1.5, maxTimeout: 2_000 };
/** How long a probe may wait for a connection, then for the answer. */
const PROBE_TIMEOUT_MS = 3_000;
/** How long stopping a consumer or producer of a lost broker may take before it is left behind. */
const STOP_TIMEOUT_MS = 3_000;

interface LiveSubscription {
  readonly options: SubscribeOptions;
  /** The running consumer; undefined while the broker is away. Messages of any other consumer are stale. */
  consumer: Consumer | undefined;
  closed: boolean;
}

const OK: BusHealth = Object.freeze({ status: 'ok' });

export class KafkaBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly logger = new Logger('KafkaBus');
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly healthListeners = new Set<(health: BusHealth) => void>();
  private readonly recoveryHooks = new Set<{ run: () => Promise<void> }>();
  private readonly writer: TransactionalWriter;
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
  private closed = false;

  private constructor(
    private readonly options: KafkaBusOptions,
    private readonly kafka: Kafka,
    private admin: Admin,
    private producer: Producer,
  ) {
    this.writer = new TransactionalWriter(producer, this.logger, (err) => this.transactionFailed(err));
    const heartbeatMs = options.heartbeatMs ?? 3_000;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => void this.checkBroker(), heartbeatMs);
      this.heartbeat.unref();
    }
  }

  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const logger = new Logger('KafkaBus');
    const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, logger, retries: 8 });
    const admin = kafka.admin();
    await admin.connect();
    const producer = transactionalProducer(kafka, options);
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

  onRecovery(hook: () => Promise<void>): () => void {
    const entry = { run: hook };
    this.recoveryHooks.add(entry);
    return () => this.recoveryHooks.delete(entry);
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

  /** Rejects at once with BusUnavailableError while the broker is away (nothing is queued meanwhile). */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.writer.write(
      topic,
      messages.map((m) => ({ key: toBuffer(m.key), value: toBuffer(m.value) })),
    );
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.currentHealth.status === 'degraded') throw new BusUnavailableError(this.currentHealth.reason);
    const subscription: LiveSubscription = { options, consumer: undefined, closed: false };
    this.subscriptions.add(subscription);
    try {
      await this.startConsumer(subscription);
    } catch (err) {
      this.subscriptions.delete(subscription);
      await this.stopConsumer(subscription);
      throw err;
    }
    return {
      close: async () => {
        subscription.closed = true;
        this.subscriptions.delete(subscription);
        await this.stopConsumer(subscription);
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
    clearInterval(this.heartbeat);
    await Promise.all([...this.subscriptions].map((s) => this.stopConsumer(s)));
    this.subscriptions.clear();
    await this.writer.close().catch(() => undefined);
    await this.recovery;
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  private async startConsumer(subscription: LiveSubscription): Promise<void> {
    const { options } = subscription;
    const commitOffsets = options.commitOffsets ?? true;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      // kafkajs' consumer retries (5), and no restart of a consumer this bus dropped (a stopped one restarting on its own would rejoin the group).
      retry: { retries: 5, restartOnFailure: async () => subscription.consumer === consumer },
    });
    subscription.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (subscription.consumer === consumer && isBrokerLoss(payload.error)) this.brokerLost(payload.error);
    });
    await consumer.connect();
    await retryRetriable(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false }), JOIN_TIMEOUT_MS);
    const joined = waitForGroupJoin(consumer, options.groupId, { timeoutMs: JOIN_TIMEOUT_MS });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        // A consumer of a broker that went away may still hand over what it fetched: it is read again on recovery.
        if (subscription.consumer !== consumer || this.writer.suspended) return;
        try {
          await options.onMessage(toBusMessage({ topic, partition, message }));
        } catch (err) {
          this.logger.error(`consumer group ${options.groupId} failed on ${topic}/${partition}@${message.offset}: ${String(err)}`);
        }
        if (commitOffsets && subscription.consumer === consumer) {
          this.writer.markConsumed(options.groupId, topic, partition, String(BigInt(message.offset) + 1n));
        }
      },
    });
    await joined;
  }

  private async stopConsumer(subscription: LiveSubscription): Promise<void> {
    const consumer = subscription.consumer;
    subscription.consumer = undefined;
    if (consumer !== undefined) await withinTime(consumer.disconnect(), STOP_TIMEOUT_MS);
  }

  /** The writer's report of a failed transaction: fenced is fatal, anything else is the broker's absence (re-synced on recovery). */
  private transactionFailed(error: Error): void {
    // Suspended: the producer that failed is one already given up (its late failure, even a fencing by its successor, tells nothing).
    if (this.writer.suspended) return;
    if (isFencedProducer(error))
      this.fail(
        new Error(
          `the Kafka producer was fenced: another server uses the transactionalId "${transactionalIdOf(this.options)}" (${brokerErrorText(error)}); run one server per transactionalId`,
          { cause: error },
        ),
      );
    else this.brokerLost(error);
  }

  /** A healthy bus asks now and then, so that an idle one (a paused game) learns of an outage too. */
  private async checkBroker(): Promise<void> {
    if (this.closed || this.currentHealth.status !== 'ok' || this.probing) return;
    this.probing = true;
    try {
      await probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS });
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
      // broker failed again while recovering (a transaction of the new producer): refuse writes, start over.
      if (this.writer.suspended) return;
      this.logger.warn(`Kafka failed again while recovering, starting over: ${brokerErrorText(error)}`);
      this.writer.suspend(new BusUnavailableError(this.currentHealth.reason, { cause: error }));
      this.lostAgain = true;
      return;
    }
    const since = new Date().toTimeString().slice(0, 8);
    const reason = `Kafka broker unreachable at ${this.options.brokers.join(',')} since ${since}: ${brokerErrorText(error)}`;
    this.writer.suspend(new BusUnavailableError(reason, { cause: error }));
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
      await Promise.all([...this.subscriptions].map((s) => this.stopConsumer(s)));
      // Until a broker answers and a new transactional producer is initialised (which fences the old one).
      await withRetry(
        async () => {
          if (this.closed) return;
          await probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS });
          await this.reconnect();
        },
        { retries: Number.POSITIVE_INFINITY, ...PROBE_DELAYS, shouldRetry: () => !this.closed },
      );
      if (this.closed) return;
      this.logger.log(
        `Kafka answers again at ${this.options.brokers.join(',')}: producer re-initialised, re-checking the state against the changelogs`,
      );
      try {
        for (const hook of [...this.recoveryHooks]) await hook.run();
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
        await Promise.all([...this.subscriptions].filter((s) => !s.closed).map((s) => this.startConsumer(s)));
      } catch (err) {
        this.logger.warn(`resuming the consumers failed (attempt ${attempt}), starting over: ${brokerErrorText(err)}`);
        this.suspendAgain(err);
        continue;
      }
      if (this.lostAgain) continue;
      this.logger.log(`recovered from the Kafka outage after ${((Date.now() - lostAt) / 1000).toFixed(1)} s`);
      this.failedProbes = 0;
      this.setHealth(OK);
      return;
    }
  }

  /** Refuses writes again after a failed recovery attempt (the next attempt re-initialises the producer). */
  private suspendAgain(error: unknown): void {
    const reason = this.currentHealth.status === 'degraded' ? this.currentHealth.reason : brokerErrorText(error);
    this.writer.suspend(new BusUnavailableError(reason, { cause: error }));
  }

  /** A new transactional producer (its initTransactions fences the old one and aborts its open transaction) and admin client. */
  private async reconnect(): Promise<void> {
    // The old producer's last transaction ends first (kafkajs' bounded retries): its failure must not come after the new producer fenced it.
    await this.writer.settled();
    const old = this.producer;
    await withinTime(old.disconnect(), STOP_TIMEOUT_MS);
    const producer = transactionalProducer(this.kafka, this.options);
    try {
      await producer.connect();
      await initTransactions(producer);
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
    return probeBrokers(this.options.brokers, { timeoutMs: PROBE_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
  }

  /** What the bus cannot recover from: refuse writes for good and tell the application (onFatalError). */
  private fail(error: Error): void {
    if (this.fatal) return;
    this.fatal = true;
    this.writer.suspend(new BusUnavailableError(error.message, { cause: error }));
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

function transactionalIdOf(options: KafkaBusOptions): string {
  return options.transactionalId ?? 'banana-market-server';
}

function transactionalProducer(kafka: Kafka, options: KafkaBusOptions): Producer {
  return createProducer(kafka, {
    transactionalId: transactionalIdOf(options),
    idempotent: true,
    maxInFlightRequests: 1,
    retry: TRANSACTION_RETRY,
  });
}

/** Waits for `promise` (errors ignored) at most `ms`: a client of a lost broker may take long to give up. */
async function withinTime(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function toBusMessage({ topic, partition, message }: ConsumedMessage): BusMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: Number(message.timestamp) };
}
