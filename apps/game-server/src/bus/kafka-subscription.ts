/**
 * A plain subscription on Kafka (subscribe): one consumer in its group,
 * restarted by the bus after an outage. Watchers (commitOffsets false) commit
 * nothing; the others commit at-least-once: the consumer's own offset commit,
 * once what the handler published through the server's writer is
 * acknowledged (exactly-once is the task groups', KafkaTaskGroup). A watcher
 * with ownWritesFromCommits is handed what this process's tasks commit from
 * their commits, and fetches the rest (CommitReadBack).
 */
import type { Logger } from '@nestjs/common';
import {
  BULK_FETCH_MIN_BYTES,
  FETCH_MAX_WAIT_MS,
  isBrokerLoss,
  retryRetriable,
  waitForGroupJoin,
  withinTime,
  type Consumer,
  type ConsumedMessage,
  type Kafka,
  type SendingWriter,
} from '@banana-market/kafka';
import type { CommittedRecord } from '@banana-market/kafka/exactly-once';
import { CommitReadBack, type ReadBackCounts } from './commit-read-back.js';
import type { BusMessage, SubscribeOptions } from './message-bus.js';

/** What a subscription needs of its bus. */
export interface SubscriptionHost {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The server's writer: its whenSent() gates the offset commits; while suspended nothing is handled. */
  readonly writer: SendingWriter;
  brokerLost(error: unknown): void;
}

/** How long start() waits for the consumer to join its group. */
const JOIN_TIMEOUT_MS = 30_000;
/** How long stopping a consumer of a lost broker may take before it is left behind. */
const STOP_TIMEOUT_MS = 3_000;

export class KafkaSubscription {
  /** The running consumer; undefined while the broker is away. Messages of any other consumer are stale. */
  private consumer: Consumer | undefined;
  /** Offset commits, one after the other (an older one must not land after a newer one). */
  private commits: Promise<void> = Promise.resolve();
  /** How many consumers this subscription started (a watcher's restart joins a group of its own). */
  private starts = 0;
  /** With ownWritesFromCommits: which records come from this process's commits, which from the consumer. */
  private readonly readBack: CommitReadBack<CommittedRecord> | undefined;
  closed = false;

  /** `handOwn`: the handler of records this process committed (they need no admission: the server wrote them). */
  constructor(
    private readonly host: SubscriptionHost,
    readonly options: SubscribeOptions,
    private readonly handOwn: (message: BusMessage) => Promise<void> | void = options.onMessage,
  ) {
    // Checked once, not at every restart after an outage. 0 would have the broker answer every fetch at once, full or
    // not: a consumer fetching in a tight loop.
    const { bulkReadDelayMs } = options;
    if (bulkReadDelayMs !== undefined && !(bulkReadDelayMs >= 1)) throw new Error(`bulkReadDelayMs must be at least 1 ms, got ${bulkReadDelayMs}`);
    if (options.ownWritesFromCommits === true) {
      // A committing subscription's offsets are its consumer's: records it is handed otherwise would never commit.
      if (options.commitOffsets !== false) throw new Error('ownWritesFromCommits is for watchers: set commitOffsets to false');
      // kafkajs refuses both while its consumer is not running (it crashed with the broker, it restarts): the bus then
      // starts a new consumer, which fetches every partition from where the gates say (consumerRestarted).
      const control = {
        pause: (topic: string, partition: number) =>
          this.controlConsumer(`pause ${topic}/${partition}`, (c) => c.pause([{ topic, partitions: [partition] }])),
        resume: (topic: string, partition: number, from: bigint) =>
          this.controlConsumer(`resume ${topic}/${partition} at ${from}`, (c) => {
            c.seek({ topic, partition, offset: String(from) });
            c.resume([{ topic, partitions: [partition] }]);
          }),
      };
      this.readBack = new CommitReadBack(new Set(options.topics), control, (record) => this.handOver(record));
    }
  }

  /** Records a task of this process committed: handed over now, those that follow what was handed over (CommitReadBack). */
  committed(records: readonly CommittedRecord[], ownsTask: (task: number) => boolean): void {
    const readBack = this.readBack;
    if (readBack === undefined || this.consumer === undefined || this.host.writer.suspended) return;
    readBack.committed(records, ownsTask);
  }

  /** Tasks that left this process: their partitions are fetched again. */
  tasksLeft(partitions: readonly number[]): void {
    this.readBack?.tasksLeft(partitions);
  }

  /** The partitions not fetched now, to check against the broker's ends (endsChecked). */
  pausedPartitions(): Array<{ readonly topic: string; readonly partition: number }> {
    return this.readBack?.pausedPartitions() ?? [];
  }

  endsChecked(topic: string, ends: ReadonlyMap<number, bigint>): void {
    this.readBack?.endsChecked(topic, ends);
  }

  /** Where this subscription's records came from (undefined: it fetches everything). */
  readBackCounts(): ReadBackCounts | undefined {
    return this.readBack?.counts();
  }

  /**
   * One record of this process's commit, as the consumer would hand it over: without its headers (the
   * server's signature, which only admission reads), and with what its value decodes to when the
   * publisher gave it (OutgoingMessage.decoded: the reader need not decode what this process encoded).
   */
  private handOver(record: CommittedRecord): void {
    const fields = {
      topic: record.topic,
      partition: record.partition,
      offset: String(record.offset),
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
    };
    this.callSync(this.handOwn, record.context === undefined ? fields : { ...fields, decoded: record.context as object });
  }

  /** Pauses or resumes the running consumer; one that is not running is left alone (see the constructor). */
  private controlConsumer(what: string, act: (consumer: Consumer) => void): void {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    try {
      act(consumer);
    } catch (err) {
      this.host.logger.warn(`consumer group ${this.options.groupId} could not ${what}: ${String(err)}`);
    }
  }

  /**
   * Hands a record over without awaiting the handler: a subscription that takes its own writes from commits
   * hands over fetched and committed records alike, in one order, so its handler is synchronous.
   */
  private callSync(handler: (message: BusMessage) => Promise<void> | void, message: BusMessage): void {
    try {
      const handled = handler(message);
      if (handled !== undefined) void handled.catch((err: unknown) => this.handlerFailed(message, err));
    } catch (err) {
      this.handlerFailed(message, err);
    }
  }

  private handlerFailed(message: BusMessage, err: unknown): void {
    this.host.logger.error(
      `consumer group ${this.options.groupId} failed on ${message.topic}/${message.partition}@${message.offset}: ${String(err)}`,
    );
  }

  /** Starts a consumer; resolves once it joined its group. */
  async start(): Promise<void> {
    const { options, host } = this;
    const commitOffsets = options.commitOffsets ?? true;
    const { bulkReadDelayMs } = options;
    this.starts += 1;
    // After an outage the group still holds the consumer the bus dropped (the broker never heard it leave), and a
    // rejoin waits out that member's session (10 s). A watcher commits nothing, so a group of its own starts where
    // the old one would have (fromBeginning) and joins at once; a committing subscription needs its group's offsets.
    const groupId = commitOffsets || this.starts === 1 ? options.groupId : `${options.groupId}-${this.starts}`;
    const consumer = host.kafka.consumer({
      groupId,
      readUncommitted: false,
      ...(bulkReadDelayMs === undefined
        ? { maxWaitTimeInMs: FETCH_MAX_WAIT_MS }
        : { maxWaitTimeInMs: bulkReadDelayMs, minBytes: BULK_FETCH_MIN_BYTES }),
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      // kafkajs' consumer retries (5), and no restart of a consumer this bus dropped (a stopped one restarting on its own would rejoin the group).
      retry: { retries: 5, restartOnFailure: async () => this.consumer === consumer },
    });
    this.consumer = consumer;
    this.readBack?.consumerRestarted();
    const readBack = this.readBack;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarting its consumer makes it anew: nothing paused, read from where the group stands.
      if (this.consumer === consumer && payload.restart) readBack?.consumerRestarted();
      if (this.consumer === consumer && isBrokerLoss(payload.error)) host.brokerLost(payload.error);
    });
    await consumer.connect();
    await retryRetriable(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false }), JOIN_TIMEOUT_MS);
    const joined = waitForGroupJoin(consumer, groupId, { timeoutMs: JOIN_TIMEOUT_MS });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        // A consumer of a broker that went away may still hand over what it fetched: it is read again on recovery.
        if (this.consumer !== consumer || host.writer.suspended) return;
        if (readBack !== undefined) {
          // Skipped when a commit handed it over already; else handed over, then the commits queued behind it.
          readBack.fetchedRecord(topic, partition, BigInt(message.offset), () =>
            this.callSync(options.onMessage, toBusMessage({ topic, partition, message })),
          );
          return;
        }
        try {
          await options.onMessage(toBusMessage({ topic, partition, message }));
        } catch (err) {
          host.logger.error(`consumer group ${groupId} failed on ${topic}/${partition}@${message.offset}: ${String(err)}`);
        }
        if (commitOffsets && this.consumer === consumer) {
          // At-least-once: the offset commits once what the handler published is acknowledged; a crash in between hands the message over again.
          const sent = host.writer.whenSent();
          const offset = String(BigInt(message.offset) + 1n);
          this.commits = this.commits.then(async () => {
            if ((await sent) && this.consumer === consumer) await consumer.commitOffsets([{ topic, partition, offset }]).catch(() => undefined);
          });
        }
      },
    });
    await joined;
  }

  /** Stops the consumer (start() makes a new one). */
  async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) await withinTime(consumer.disconnect(), STOP_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopConsumer();
  }
}

export function toBusMessage({ topic, partition, message }: ConsumedMessage): BusMessage {
  const converted = { topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: Number(message.timestamp) };
  const headers = headerMap(message.headers);
  return headers === undefined ? converted : { ...converted, headers };
}

/** kafkajs' headers (a value may be a string or repeated) as the bus carries them: the first value of each, in bytes. */
function headerMap(headers: ConsumedMessage['message']['headers']): ReadonlyMap<string, Buffer> | undefined {
  if (headers === undefined) return undefined;
  const entries = Object.entries(headers).flatMap(([name, value]) => {
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? [] : [[name, typeof first === 'string' ? Buffer.from(first) : first] as const];
  });
  return entries.length === 0 ? undefined : new Map(entries);
}
