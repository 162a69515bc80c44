/**
 * Writes that need no transaction (a server's own records: registrations,
 * dead letters, gibbs, orders relayed by a gateway) through an idempotent,
 * NON-transactional producer: nothing a SIGKILLed process leaves behind can
 * hold back read_committed readers, and no other process is ever fenced.
 * What is written within one macrotask goes out in one sendBatch, one batch
 * after the other, so successive writes keep their order even when not
 * awaited (BatchingWriter) — in requests the broker accepts (request-size.ts). Suspend/resume as the exactly-once writer's, for a
 * broker that went away.
 */
import type { Producer, TopicMessages } from 'kafkajs';
import { BatchingWriter, type BatchingWriterTraits, type PendingBatch } from './batching-writer.js';
import { groupedByTopic, inTopicRequestRuns } from './request-size.js';

const sendingTraits: BatchingWriterTraits<PendingBatch> = {
  closedMessage: 'the writer is closed',
  failureMessage: 'Kafka send failed',
  emptyBatch: () => ({ topicMessages: [], waiters: [] }),
  // Every write (and every whenSent joining one) adds a waiter: waiters are what is queued.
  hasWork: (batch) => batch.waiters.length > 0,
};

/** `onSendFailure` is called when a batch could not be sent (it may suspend() the writer synchronously). */
export class SendingWriter extends BatchingWriter<PendingBatch> {
  /** Resolves when the batch being sent (or, if none, nothing) is done; see whenSent. */
  private lastSend: Promise<boolean> = Promise.resolve(true);

  constructor(producer: Producer, logger: { error(message: string): void }, onSendFailure: (err: Error) => void) {
    super(producer, logger, onSendFailure, sendingTraits);
  }

  /**
   * Resolves true once everything written so far is acknowledged (acks all),
   * false if some of it failed: what an at-least-once consumer waits for
   * before it commits the offset of the message that caused the writes.
   */
  whenSent(): Promise<boolean> {
    if (this.pending.waiters.length === 0) return this.lastSend;
    return this.waitForPending().then(
      () => true,
      () => false,
    );
  }

  protected async flush(batch: PendingBatch): Promise<void> {
    let ok!: (sent: boolean) => void;
    this.lastSend = new Promise<boolean>((resolve) => (ok = resolve));
    try {
      for (const request of requests(batch.topicMessages)) await this.producer.sendBatch({ topicMessages: request });
      this.delivered(batch);
      ok(true);
    } catch (err) {
      this.failed(batch, err);
      ok(false);
    }
  }
}

/** The batch's messages, in order, as produce requests the broker accepts. */
function requests(topicMessages: readonly TopicMessages[]): TopicMessages[][] {
  const records = topicMessages.flatMap(({ topic, messages }) => messages.map((message) => ({ topic, message })));
  return inTopicRequestRuns(records).map(groupedByTopic);
}
