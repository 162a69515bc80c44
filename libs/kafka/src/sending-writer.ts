/**
 * Writes that need no transaction (a server's own records: registrations,
 * dead letters, gibbs, orders relayed by a gateway) through an idempotent,
 * NON-transactional producer: nothing a SIGKILLed process leaves behind can
 * hold back read_committed readers, and no other process is ever fenced.
 * What is written within one macrotask goes out in one sendBatch, one batch
 * after the other, so successive writes keep their order even when not
 * awaited. Suspend/resume as TransactionalWriter's, for a broker that went away.
 */
import type { Message, Producer, TopicMessages } from 'kafkajs';

interface PendingBatch {
  readonly topicMessages: TopicMessages[];
  readonly waiters: Array<{ resolve: () => void; reject: (err: Error) => void }>;
}

const emptyBatch = (): PendingBatch => ({ topicMessages: [], waiters: [] });

export class SendingWriter {
  private pending: PendingBatch = emptyBatch();
  private sending: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private suspendedWith: Error | undefined;
  /** Resolves when the batch being sent (or, if none, nothing) is done; see whenSent. */
  private lastSend: Promise<boolean> = Promise.resolve(true);

  constructor(
    private producer: Producer,
    private readonly logger: { error(message: string): void },
    /** Called when a batch could not be sent (it may suspend() the writer synchronously). */
    private readonly onSendFailure: (err: Error) => void,
  ) {}

  get suspended(): boolean {
    return this.suspendedWith !== undefined;
  }

  suspend(error: Error): void {
    this.suspendedWith = error;
    const dropped = this.pending;
    this.pending = emptyBatch();
    for (const waiter of dropped.waiters) waiter.reject(error);
  }

  async settled(): Promise<void> {
    while (this.sending !== undefined) await this.sending;
  }

  async resume(producer: Producer): Promise<void> {
    await this.settled();
    this.producer = producer;
    this.suspendedWith = undefined;
  }

  write(topic: string, messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the writer is closed'));
    if (this.suspendedWith !== undefined) return Promise.reject(this.suspendedWith);
    const last = this.pending.topicMessages.at(-1);
    if (last !== undefined && last.topic === topic) last.messages.push(...messages);
    else this.pending.topicMessages.push({ topic, messages: [...messages] });
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /**
   * Resolves true once everything written so far is acknowledged (acks all),
   * false if some of it failed: what an at-least-once consumer waits for
   * before it commits the offset of the message that caused the writes.
   */
  whenSent(): Promise<boolean> {
    if (this.pending.waiters.length === 0) return this.lastSend;
    return new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject })).then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    if (this.pending.waiters.length > 0 && this.suspendedWith === undefined) await this.send();
  }

  private schedule(): void {
    if (this.suspendedWith !== undefined || this.scheduled || this.sending !== undefined) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.sending === undefined && this.suspendedWith === undefined && this.pending.waiters.length > 0) {
        this.sending = this.send().finally(() => {
          this.sending = undefined;
          if (this.pending.waiters.length > 0) this.schedule();
        });
      }
    });
  }

  private async send(): Promise<void> {
    const batch = this.pending;
    this.pending = emptyBatch();
    let ok!: (sent: boolean) => void;
    this.lastSend = new Promise<boolean>((resolve) => (ok = resolve));
    try {
      if (batch.topicMessages.length > 0) await this.producer.sendBatch({ topicMessages: batch.topicMessages });
      for (const waiter of batch.waiters) waiter.resolve();
      ok(true);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.error(`Kafka send failed: ${error.message}`);
      this.onSendFailure(error);
      for (const waiter of batch.waiters) waiter.reject(this.suspendedWith ?? error);
      ok(false);
    }
  }
}
