/**
 * Everything an application writes goes through one transactional producer,
 * together with the offsets of the messages it consumed: what handling a
 * message produced and that message's offset become visible atomically, or
 * not at all. This is Kafka Streams' exactly-once model (commit interval =
 * "as soon as the previous commit is done"), and it is what lets the game
 * server, SIGKILLed, restart without answering an order twice or losing one.
 */
import type { Producer, TopicOffsets, Transaction } from 'kafkajs';
import { BatchingWriter, type BatchingWriterTraits, type PendingBatch } from './batching-writer.js';
import { withRetry } from './retry.js';

interface TransactionBatch extends PendingBatch {
  /** groupId → "topic/partition" → next offset to read. */
  readonly offsets: Map<string, Map<string, { topic: string; partition: number; offset: string }>>;
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

const transactionTraits: BatchingWriterTraits<TransactionBatch> = {
  closedMessage: 'the transactional writer is closed',
  failureMessage: 'Kafka transaction failed',
  emptyBatch: () => ({ topicMessages: [], offsets: new Map(), waiters: [] }),
  // Offsets alone make a transaction: a handled message that wrote nothing is still consumed.
  hasWork: (batch) => batch.topicMessages.length > 0 || batch.offsets.size > 0,
};

/**
 * Batches, suspension and close() are BatchingWriter's; a suspension also
 * drops the consumed offsets queued (their messages are read again).
 * `onCommitFailure` is called when a transaction cannot commit: the process
 * state is ahead of Kafka's. It may suspend() the writer synchronously: the
 * failed batch's waiters are then rejected with the suspension's error.
 */
export class TransactionalWriter extends BatchingWriter<TransactionBatch> {
  constructor(producer: Producer, logger: { error(message: string): void }, onCommitFailure: (err: Error) => void) {
    super(producer, logger, onCommitFailure, transactionTraits);
  }

  /** Commits `offset` (the next one to read) for the group in the next transaction. */
  markConsumed(groupId: string, topic: string, partition: number, offset: string): void {
    if (this.suspended) return;
    let group = this.pending.offsets.get(groupId);
    if (group === undefined) {
      group = new Map();
      this.pending.offsets.set(groupId, group);
    }
    group.set(`${topic}/${partition}`, { topic, partition, offset });
    this.schedule();
  }

  protected async flush(batch: TransactionBatch): Promise<void> {
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
      this.delivered(batch);
    } catch (err) {
      this.failed(batch, err);
      // Without a broker the abort fails too (after kafkajs' retries): nobody waits for it. A new
      // producer with the same transactionalId aborts the open transaction anyway.
      const aborting = transaction?.abort().catch(() => undefined);
      if (!this.suspended) await aborting;
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
