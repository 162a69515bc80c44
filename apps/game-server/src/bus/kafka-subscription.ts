/**
 * A plain subscription on Kafka (subscribe): one consumer in its group,
 * restarted by the bus after an outage. Watchers (commitOffsets false) commit
 * nothing; the others commit at-least-once: the consumer's own offset commit,
 * once what the handler published through the server's writer is
 * acknowledged (exactly-once is the task groups', KafkaTaskGroup).
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
  closed = false;

  constructor(
    private readonly host: SubscriptionHost,
    readonly options: SubscribeOptions,
  ) {
    // Checked once, not at every restart after an outage. 0 would have the broker answer every fetch at once, full or
    // not: a consumer fetching in a tight loop.
    const { bulkReadDelayMs } = options;
    if (bulkReadDelayMs !== undefined && !(bulkReadDelayMs >= 1)) throw new Error(`bulkReadDelayMs must be at least 1 ms, got ${bulkReadDelayMs}`);
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
    consumer.on(consumer.events.CRASH, ({ payload }) => {
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
