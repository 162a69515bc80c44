/**
 * One task group on Kafka, Kafka Streams' first exactly-once mode (EOS-alpha):
 * the group's co-partitioned topics are dealt to the members by partition
 * number (CoPartitionedAssigner), and task p — partition p of every topic —
 * writes through a transactional producer of its own, transactional.id
 * `${groupId}-task-${p}`. kafkajs' sendOffsets carries no group generation
 * (no KIP-447), so it is the producer that fences a task's previous owner:
 * initialising it bumps the epoch of the id, aborts or waits out the old
 * owner's last transaction, and makes any later transaction of the old owner
 * fail as fenced.
 *
 * On a new assignment: revoked tasks commit what they queued, close their
 * producer and go to onRevoked; new ones get a producer, initialised (fencing
 * the old owner), then the group's committed offsets of their partitions —
 * final now: a message below them was answered by the old owner after kafkajs
 * fetched its start position, and is skipped — and then onAssigned. Until it
 * has run the task's messages wait (with heartbeats); messages of a partition
 * without a live task are dropped (the owner of the task reads them).
 */
import type { Logger } from '@nestjs/common';
import {
  brokerErrorText,
  CoPartitionedAssigner,
  createProducer,
  FETCH_MAX_WAIT_MS,
  initTransactions,
  isBrokerLoss,
  isFencedProducer,
  retryRetriable,
  TransactionalWriter,
  waitForGroupJoin,
  withinTime,
  withRetry,
  type Admin,
  type Consumer,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from '@banana-market/kafka';
import {
  TaskLostError,
  toBuffer,
  type BusMessage,
  type OutgoingMessage,
  type TaskContext,
  type TaskGroupOptions,
  type TaskStatus,
} from './message-bus.js';

/** What a task group needs of its bus. */
export interface TaskGroupHost {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The bus' current admin client (replaced on recovery). */
  admin(): Admin;
  /** A failure that means the broker went away (the bus degrades and recovers). */
  brokerLost(error: unknown): void;
  /** What the bus cannot recover from. */
  fail(error: Error): void;
}

/** A task member leaves the group within this when its process dies (SIGKILL): its tasks move within ≈ 6–10 s. */
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const JOIN_TIMEOUT_MS = 30_000;
/**
 * A task's transactions: the broker answers CONCURRENT_TRANSACTIONS to the
 * next transaction's first request while it still writes the previous one's
 * markers (a few ms); kafkajs' default first retry after 300 ms (100 ms here
 * before) was the periodic stall in every answer's p99. Retries start at
 * 10 ms and back off to 1 s: a transaction still fails within ≈ 3 s when the
 * broker is gone (see KafkaBus).
 */
const TRANSACTION_RETRY = { retries: 9, initialRetryTime: 10, maxRetryTime: 1_000 };
/** How long a new owner waits for the old owner's last transaction (CONCURRENT_TRANSACTIONS) before giving up. */
const INIT_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 3_000;
/** taskStatus() asks the broker for high watermarks at most this often. */
const WATERMARK_CACHE_MS = 1_000;

class Task implements TaskContext {
  state: 'preparing' | 'ready' | 'lost' = 'preparing';
  /** Whether onAssigned ran for it (only then does onRevoked follow). */
  announced = false;
  producer: Producer | undefined;
  writer: TransactionalWriter | undefined;
  /** topic → the group's committed offset (next to read) when the task was taken: lower offsets were answered already. */
  readonly committed = new Map<string, bigint>();
  /** topic → the offset after the last one consumed (or skipped). */
  readonly position = new Map<string, bigint>();
  lostWith: Error | undefined;
  readonly ready: Promise<void>;
  markReady!: () => void;

  constructor(
    readonly groupId: string,
    readonly partition: number,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.state === 'lost' || this.writer === undefined) {
      return Promise.reject(this.lostWith ?? new TaskLostError(`task ${this.partition} of ${this.groupId} is not this server's (any more)`));
    }
    return this.writer.write(
      topic,
      messages.map((m) => ({ key: toBuffer(m.key), value: toBuffer(m.value), partition: m.partition })),
    );
  }

  /** Marks it lost now: no later publish or offset of it commits. */
  lose(error: Error): void {
    if (this.state === 'lost') return;
    this.state = 'lost';
    this.lostWith = error;
    this.writer?.suspend(error);
    this.markReady();
  }
}

export class KafkaTaskGroup {
  private consumer: Consumer | undefined;
  private readonly tasks = new Map<number, Task>();
  /** Assignments are applied one after the other. */
  private assigning: Promise<void> = Promise.resolve();
  private closed = false;
  private watermarks: { at: number; byTopic: Promise<Map<string, Map<number, { high: bigint; low: bigint }>>> } | undefined;

  constructor(
    private readonly host: TaskGroupHost,
    readonly options: TaskGroupOptions,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Joins the group; resolves once the first assignment's onAssigned has run. */
  async start(): Promise<void> {
    const { options, host } = this;
    const consumer = host.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: 20_000,
      partitionAssigners: [CoPartitionedAssigner],
      retry: { retries: 5, restartOnFailure: async () => this.consumer === consumer },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer === consumer && isBrokerLoss(payload.error)) host.brokerLost(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.consumer !== consumer) return;
      const partitions = new Set<number>();
      for (const topic of options.topics) for (const p of payload.memberAssignment[topic] ?? []) partitions.add(p);
      this.assign(partitions);
    });
    // Batches of transaction markers only: the position moves past them (for the lag).
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const task = this.tasks.get(payload.partition);
      if (this.consumer !== consumer || task === undefined || payload.batchSize !== 0) return;
      const next = BigInt(payload.lastOffset) + 1n;
      if (next > (task.position.get(payload.topic) ?? -1n)) task.position.set(payload.topic, next);
    });
    await consumer.connect();
    // Without a committed offset a task starts at the oldest message: what was sent before any server ran is answered.
    await retryRetriable(() => consumer.subscribe({ topics: [...options.topics], fromBeginning: true }), JOIN_TIMEOUT_MS);
    const joined = waitForGroupJoin(consumer, options.groupId, { timeoutMs: JOIN_TIMEOUT_MS });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || this.consumer !== consumer) return;
          await this.handle(batch.topic, batch.partition, message, heartbeat);
          resolveOffset(message.offset);
          await heartbeat();
        }
      },
    });
    await joined;
    await this.assigning;
  }

  /** The broker went away: every task is lost now (onRevoked), nothing of them commits. Synchronous. */
  loseAll(error: Error): void {
    const lost = [...this.tasks.values()];
    this.tasks.clear();
    for (const task of lost) task.lose(error);
    const announced = lost.filter((t) => t.announced).map((t) => t.partition);
    for (const task of lost) void this.dropProducer(task);
    if (announced.length > 0) this.revoked(announced);
  }

  /** Stops the consumer (kept for a restart with start()). */
  async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) await withinTime(consumer.disconnect(), STOP_TIMEOUT_MS);
  }

  /** Leaves the group: the consumer stops, the tasks commit what they queued, then onRevoked. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopConsumer();
    await withinTime(this.assigning, STOP_TIMEOUT_MS);
    const held = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(held.map((task) => this.retire(task)));
    const announced = held.filter((t) => t.announced).map((t) => t.partition);
    if (announced.length > 0) this.revoked(announced);
  }

  async status(): Promise<TaskStatus[]> {
    const held = [...this.tasks.values()].filter((t) => t.state !== 'lost');
    if (held.length === 0) return [];
    let watermarks: Map<string, Map<number, { high: bigint; low: bigint }>> | undefined;
    try {
      watermarks = await this.watermarksNow();
    } catch {
      watermarks = undefined;
    }
    return held
      .sort((a, b) => a.partition - b.partition)
      .map((task) => ({ groupId: this.options.groupId, partition: task.partition, lag: lagOf(task, this.options.topics, watermarks) }));
  }

  private watermarksNow(): Promise<Map<string, Map<number, { high: bigint; low: bigint }>>> {
    const now = Date.now();
    if (this.watermarks === undefined || now - this.watermarks.at > WATERMARK_CACHE_MS) {
      const admin = this.host.admin();
      const byTopic = (async () => {
        const result = new Map<string, Map<number, { high: bigint; low: bigint }>>();
        for (const topic of this.options.topics) {
          const offsets = await admin.fetchTopicOffsets(topic);
          result.set(topic, new Map(offsets.map((o) => [o.partition, { high: BigInt(o.high), low: BigInt(o.low) }])));
        }
        return result;
      })();
      byTopic.catch(() => (this.watermarks = undefined));
      this.watermarks = { at: now, byTopic };
    }
    return this.watermarks.byTopic;
  }

  private async handle(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    let task = this.tasks.get(partition);
    if (task?.state === 'preparing') {
      // onAssigned may take a while (state restored from the changelogs): the member must stay in the group meanwhile.
      const preparing = task;
      let done = false;
      void preparing.ready.then(() => (done = true));
      while (!done) {
        await Promise.race([preparing.ready, delay(HEARTBEAT_INTERVAL_MS / 2)]);
        if (!done) await heartbeat();
      }
      task = this.tasks.get(partition);
    }
    if (task === undefined || task.state !== 'ready') return; // not this member's task (any more): dropped
    const offset = BigInt(message.offset);
    // Below the committed offset: answered by the previous owner. Below the position: handled by this task already —
    // kafkajs starts a kept partition over from the committed offset after a rebalance, and this task's last
    // transactions may not have committed yet (they will, or the task is lost and restored afresh).
    const floor = maxOf(task.committed.get(topic), task.position.get(topic));
    if (floor === undefined || offset >= floor) {
      try {
        await this.options.onMessage(toBusMessage(topic, partition, message), task);
      } catch (err) {
        this.host.logger.error(`task ${partition} of ${this.options.groupId} failed on ${topic}/${partition}@${message.offset}: ${String(err)}`);
      }
      if (task.state === 'ready') task.writer?.markConsumed(this.options.groupId, topic, partition, String(offset + 1n));
    }
    if (floor === undefined || offset >= floor) task.position.set(topic, offset + 1n);
  }

  /** A new assignment (GROUP_JOIN): diffed with the tasks held, synchronously; the producers' work is queued. */
  private assign(partitions: ReadonlySet<number>): void {
    const revoked: Task[] = [];
    for (const [p, task] of this.tasks) {
      if (partitions.has(p) && task.state !== 'lost') continue;
      this.tasks.delete(p);
      revoked.push(task);
    }
    const added: Task[] = [];
    for (const p of [...partitions].sort((a, b) => a - b)) {
      if (this.tasks.has(p)) continue;
      const task = new Task(this.options.groupId, p);
      this.tasks.set(p, task);
      added.push(task);
    }
    const consumer = this.consumer;
    this.assigning = this.assigning.then(async () => {
      if (revoked.length > 0) {
        await Promise.all(revoked.map((task) => this.retire(task)));
        const announced = revoked.filter((t) => t.announced).map((t) => t.partition);
        if (announced.length > 0) this.revoked(announced);
      }
      if (added.length > 0 && this.consumer === consumer && consumer !== undefined) await this.take(added, consumer);
      else
        for (const task of added) task.lose(new TaskLostError(`task ${task.partition} of ${this.options.groupId} was revoked before it was taken`));
    });
  }

  /** New tasks: producers initialised (fencing the old owners), committed offsets read, then onAssigned. */
  private async take(added: Task[], consumer: Consumer): Promise<void> {
    const { groupId } = this.options;
    const started = Date.now();
    try {
      await Promise.all(added.map((task) => this.initProducer(task)));
      const admin = this.host.admin();
      const partitions = added.map((t) => t.partition);
      const offsets = await admin.fetchOffsets({ groupId, topics: [...this.options.topics] });
      for (const { topic, partitions: committed } of offsets) {
        for (const { partition, offset } of committed) {
          const task = added.find((t) => t.partition === partition);
          if (task !== undefined && partitions.includes(partition) && BigInt(offset) >= 0n) task.committed.set(topic, BigInt(offset));
        }
      }
      const initMs = Date.now() - started;
      // Lost meanwhile (the broker went away, the member stopped): never announced, so no onRevoked either.
      const live = added.filter((t) => t.state === 'preparing');
      for (const task of live) task.announced = true;
      if (live.length > 0) await this.options.onAssigned(live);
      this.host.logger.log(`${groupId}: took tasks ${partitions.join(',')} (producers ${initMs} ms, with onAssigned ${Date.now() - started} ms)`);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const task of added) {
        task.lose(new TaskLostError(`task ${task.partition} of ${groupId} could not be taken: ${brokerErrorText(err)}`, { cause: err }));
        void this.dropProducer(task);
        if (this.tasks.get(task.partition) === task) this.tasks.delete(task.partition);
      }
      const announced = added.filter((t) => t.announced).map((t) => t.partition);
      if (announced.length > 0) this.revoked(announced);
      // A stale assignment's failure (of a consumer already stopped) tells nothing about the current one.
      if (this.closed || this.consumer !== consumer) return;
      if (isBrokerLoss(err)) this.host.brokerLost(err);
      else
        this.host.fail(new Error(`taking tasks ${added.map((t) => t.partition).join(',')} of ${groupId} failed: ${error.message}`, { cause: err }));
      return;
    }
    for (const task of added) {
      if (task.state === 'preparing') task.state = 'ready';
      task.markReady();
    }
  }

  private async initProducer(task: Task): Promise<void> {
    const transactionalId = `${this.options.groupId}-task-${task.partition}`;
    const producer = createProducer(this.host.kafka, {
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: TRANSACTION_RETRY,
    });
    task.producer = producer;
    await producer.connect();
    // The broker answers CONCURRENT_TRANSACTIONS until the old owner's last transaction is complete.
    await withRetry(() => initTransactions(producer), {
      retries: Number.POSITIVE_INFINITY,
      maxRetryTime: INIT_TIMEOUT_MS,
      minTimeout: 50,
      maxTimeout: 500,
      shouldRetry: ({ error }) => hasType(error, 'CONCURRENT_TRANSACTIONS') || (error as { retriable?: unknown }).retriable === true,
    });
    task.writer = new TransactionalWriter(producer, this.host.logger, (err) => this.commitFailed(task, err));
  }

  /** A failed transaction of a task: fenced → only this task is lost; anything else is the broker's absence. */
  private commitFailed(task: Task, error: Error): void {
    if (task.state === 'lost' || task.writer?.suspended) return;
    if (isFencedProducer(error)) {
      this.host.logger.warn(`task ${task.partition} of ${this.options.groupId} was fenced by another server: ${brokerErrorText(error)}`);
      task.lose(new TaskLostError(`task ${task.partition} of ${this.options.groupId} was fenced by another server`, { cause: error }));
      if (this.tasks.get(task.partition) === task) this.tasks.delete(task.partition);
      void this.dropProducer(task);
      if (task.announced) this.revoked([task.partition]);
    } else {
      this.host.brokerLost(error);
    }
  }

  /** A revoked task: what it queued commits (unless it is lost), then its producer goes. */
  private async retire(task: Task): Promise<void> {
    if (task.state !== 'lost') {
      task.state = 'lost';
      task.lostWith = new TaskLostError(`task ${task.partition} of ${this.options.groupId} was moved to another member`);
      task.markReady();
    }
    await withinTime(task.writer?.close() ?? Promise.resolve(), STOP_TIMEOUT_MS);
    task.writer?.suspend(task.lostWith ?? new TaskLostError(`task ${task.partition} of ${this.options.groupId} is gone`));
    await this.dropProducer(task);
  }

  private async dropProducer(task: Task): Promise<void> {
    const producer = task.producer;
    task.producer = undefined;
    if (producer !== undefined) await withinTime(producer.disconnect(), STOP_TIMEOUT_MS);
  }

  private revoked(partitions: number[]): void {
    try {
      this.options.onRevoked(partitions.sort((a, b) => a - b));
    } catch (err) {
      this.host.logger.error(`onRevoked of ${this.options.groupId} failed: ${String(err)}`);
    }
  }
}

function lagOf(
  task: Task,
  topics: readonly string[],
  watermarks: Map<string, Map<number, { high: bigint; low: bigint }>> | undefined,
): number | null {
  if (watermarks === undefined) return null;
  let lag = 0n;
  for (const topic of topics) {
    const marks = watermarks.get(topic)?.get(task.partition);
    if (marks === undefined) continue;
    const position = task.position.get(topic) ?? task.committed.get(topic) ?? marks.low;
    if (marks.high > position) lag += marks.high - position;
  }
  return Number(lag);
}

function hasType(error: unknown, type: string): boolean {
  const seen = new Set<unknown>();
  let current = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    if ((current as { type?: unknown }).type === type) return true;
    const { cause, originalError } = current as { cause?: unknown; originalError?: unknown };
    current = originalError ?? cause;
  }
  return false;
}

function toBusMessage(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: Number(message.timestamp) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function maxOf(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
