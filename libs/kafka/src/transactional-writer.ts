/**
 * Everything an application writes goes through one transactional producer,
 * together with the offsets of the messages it consumed: what handling a
 * message produced and that message's offset become visible atomically, or
 * not at all. This is Kafka Streams' exactly-once model (commit interval =
 * "as soon as the previous commit is done"), and it is what lets the game
 * server, SIGKILLed, restart without answering an order twice or losing one.
 */
import type { Message, Producer, TopicMessages, TopicOffsets, Transaction } from 'kafkajs';
import { withRetry } from './retry.js';

interface PendingBatch {
  readonly topicMessages: TopicMessages[];
  /** groupId → "topic/partition" → next offset to read. */
  readonly offsets: Map<string, Map<string, { topic: string; partition: number; offset: string }>>;
  readonly waiters: Array<{ resolve: () => void; reject: (err: Error) => void }>;
}

/**
 * Initialises the transactions of a connected transactional producer now
 * (kafkajs does it lazily, at the first transaction): the broker bumps the
 * transactionalId's epoch, which fences any older producer with that id and
 * aborts its open transaction.
 */
export async function initTransactions(producer: Producer): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.abort();
}

const emptyBatch = (): PendingBatch => ({ topicMessages: [], offsets: new Map(), waiters: [] });

export class TransactionalWriter {
  private pending: PendingBatch = emptyBatch();
  private committing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  /** Set while suspended: what every write is refused with. */
  private suspendedWith: Error | undefined;

  constructor(
    private producer: Producer,
    private readonly logger: { error(message: string): void },
    /**
     * Called when a transaction cannot commit: the process state is ahead of
     * Kafka's. It may suspend() the writer synchronously: the failed batch's
     * waiters are then rejected with the suspension's error.
     */
    private readonly onCommitFailure: (err: Error) => void,
  ) {}

  /** Whether writes are refused (see suspend). */
  get suspended(): boolean {
    return this.suspendedWith !== undefined;
  }

  /**
   * Refuses writes until resume(): what is queued and every later write
   * rejects with `error` at once (no queue grows while the broker is away),
   * and consumed offsets are dropped (their messages are read again).
   */
  suspend(error: Error): void {
    this.suspendedWith = error;
    const dropped = this.pending;
    this.pending = emptyBatch();
    for (const waiter of dropped.waiters) waiter.reject(error);
  }

  /** Resolves when no transaction is under way (a failed one has reported its failure). */
  async settled(): Promise<void> {
    while (this.committing !== undefined) await this.committing;
  }

  /**
   * Writes again, through `producer` (a new one, connected: its
   * initTransactions fenced the old one and aborted its open transaction).
   * Waits for the failed transaction's end first.
   */
  async resume(producer: Producer): Promise<void> {
    await this.settled();
    this.producer = producer;
    this.suspendedWith = undefined;
  }

  /** Queues messages for the next transaction; resolves when it is committed. */
  write(topic: string, messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the transactional writer is closed'));
    if (this.suspendedWith !== undefined) return Promise.reject(this.suspendedWith);
    const last = this.pending.topicMessages.at(-1);
    if (last !== undefined && last.topic === topic) last.messages.push(...messages);
    else this.pending.topicMessages.push({ topic, messages: [...messages] });
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /** Commits `offset` (the next one to read) for the group in the next transaction. */
  markConsumed(groupId: string, topic: string, partition: number, offset: string): void {
    if (this.suspendedWith !== undefined) return;
    let group = this.pending.offsets.get(groupId);
    if (group === undefined) {
      group = new Map();
      this.pending.offsets.set(groupId, group);
    }
    group.set(`${topic}/${partition}`, { topic, partition, offset });
    this.schedule();
  }

  /** Commits what is queued and stops accepting writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.committing;
    if (!isEmpty(this.pending)) await this.commit();
  }

  private schedule(): void {
    if (this.suspendedWith !== undefined) return;
    if (this.scheduled || this.committing !== undefined) return;
    this.scheduled = true;
    // A macrotask later: whatever the current message handler publishes
    // synchronously, and its offset, land in the same transaction.
    setImmediate(() => {
      this.scheduled = false;
      if (this.committing === undefined && this.suspendedWith === undefined && !isEmpty(this.pending)) {
        this.committing = this.commit().finally(() => {
          this.committing = undefined;
          if (!isEmpty(this.pending)) this.schedule();
        });
      }
    });
  }

  private async commit(): Promise<void> {
    const batch = this.pending;
    this.pending = emptyBatch();
    let transaction: Transaction | undefined;
    try {
      const txn = await this.producer.transaction();
      transaction = txn;
      if (batch.topicMessages.length > 0) await txn.sendBatch({ topicMessages: batch.topicMessages });
      for (const [consumerGroupId, offsets] of batch.offsets) {
        const topics = toTopicOffsets([...offsets.values()]);
        await retryWhileBusy(() => txn.sendOffsets({ consumerGroupId, topics }));
      }
      await txn.commit();
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.error(`Kafka transaction failed: ${error.message}`);
      this.onCommitFailure(error);
      for (const waiter of batch.waiters) waiter.reject(this.suspendedWith ?? error);
      // Without a broker the abort fails too (after kafkajs' retries): nobody waits for it. A new
      // producer with the same transactionalId aborts the open transaction anyway.
      const aborting = transaction?.abort().catch(() => undefined);
      if (this.suspendedWith === undefined) await aborting;
    }
  }
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS while it still writes the
 * markers of the previous transaction; the Java client retries it with a
 * short backoff, kafkajs does not for sendOffsets.
 */
function retryWhileBusy<T>(operation: () => Promise<T>): Promise<T> {
  return withRetry(operation, {
    retries: 49, // 50 attempts over ≈ 2.3 s
    minTimeout: 5,
    maxTimeout: 50,
    shouldRetry: ({ error }) => (error as { type?: string }).type === 'CONCURRENT_TRANSACTIONS',
  });
}

function isEmpty(batch: PendingBatch): boolean {
  return batch.topicMessages.length === 0 && batch.offsets.size === 0;
}

function toTopicOffsets(offsets: { topic: string; partition: number; offset: string }[]): TopicOffsets[] {
  const byTopic = new Map<string, TopicOffsets>();
  for (const { topic, partition, offset } of offsets) {
    let entry = byTopic.get(topic);
    if (entry === undefined) {
      entry = { topic, partitions: [] };
      byTopic.set(topic, entry);
    }
    entry.partitions.push({ partition, offset });
  }
  return [...byTopic.values()];
}
