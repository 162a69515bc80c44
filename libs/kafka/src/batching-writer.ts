/**
 * What a writer that batches shares (SendingWriter): writes queue into one
 * pending batch that goes out a macrotask later, one batch after the other,
 * and a writer can be suspended while the broker is away and resumed with a
 * new producer. The subclasses only say what a batch holds and how it goes
 * out (a transaction with offsets, or a plain sendBatch).
 */
import type { Message, Producer, TopicMessages } from 'kafkajs';

/** Someone waiting for the batch they wrote into. */
export interface BatchWaiter {
  resolve(): void;
  reject(err: Error): void;
}

/** What goes out in one flush; a subclass may add to it. */
export interface PendingBatch {
  readonly topicMessages: TopicMessages[];
  readonly waiters: BatchWaiter[];
}

/** What tells the two writers apart, besides how a batch goes out. */
export interface BatchingWriterTraits<B extends PendingBatch> {
  /** What a write after close() is rejected with (the writers' existing messages). */
  readonly closedMessage: string;
  /** What the log line of a failed flush begins with. */
  readonly failureMessage: string;
  readonly emptyBatch: () => B;
  /** Whether a batch needs a flush: what counts differs (offsets alone do; a bare whenSent waiter does). */
  readonly hasWork: (batch: B) => boolean;
}

export abstract class BatchingWriter<B extends PendingBatch> {
  private batch: B;
  /** The flush under way: at most one, so that batches go out in the order they were written. */
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  /** Set while suspended: what every write is refused with. */
  private suspendedWith: Error | undefined;

  protected constructor(
    protected producer: Producer,
    private readonly logger: { error(message: string): void },
    /**
     * Called when a batch could not go out: the process state is ahead of
     * Kafka's. It may suspend() the writer synchronously: the failed batch's
     * waiters are then rejected with the suspension's error.
     */
    private readonly onFailure: (err: Error) => void,
    private readonly traits: BatchingWriterTraits<B>,
  ) {
    this.batch = traits.emptyBatch();
  }

  /** Whether writes are refused (see suspend). */
  get suspended(): boolean {
    return this.suspendedWith !== undefined;
  }

  /**
   * Refuses writes until resume(): what is queued and every later write
   * rejects with `error` at once (no queue grows while the broker is away).
   */
  suspend(error: Error): void {
    this.suspendedWith = error;
    const dropped = this.batch;
    this.batch = this.traits.emptyBatch();
    for (const waiter of dropped.waiters) waiter.reject(error);
  }

  /** Resolves when no batch is going out (a failed one has reported its failure). */
  async settled(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  /**
   * Writes again, through `producer` (a new one, connected; a transactional
   * one's initTransactions has fenced the old one and aborted its open
   * transaction). Waits for the failed batch's end first, so that its late
   * failure still finds the writer suspended.
   */
  async resume(producer: Producer): Promise<void> {
    await this.settled();
    this.producer = producer;
    this.suspendedWith = undefined;
  }

  /** Queues messages for the next batch; resolves when it is written. */
  write(topic: string, messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(this.traits.closedMessage));
    if (this.suspendedWith !== undefined) return Promise.reject(this.suspendedWith);
    const last = this.batch.topicMessages.at(-1);
    if (last !== undefined && last.topic === topic) last.messages.push(...messages);
    else this.batch.topicMessages.push({ topic, messages: [...messages] });
    const done = this.waitForPending();
    this.schedule();
    return done;
  }

  /** Flushes what is queued and stops accepting writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    if (this.suspendedWith === undefined && this.traits.hasWork(this.batch)) await this.flushPending();
  }

  /** The batch that the next flush sends. */
  protected get pending(): B {
    return this.batch;
  }

  /** Settles with the pending batch: resolves once it is written, rejects if it fails or is dropped. */
  protected waitForPending(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.batch.waiters.push({ resolve, reject }));
  }

  protected schedule(): void {
    if (this.suspendedWith !== undefined || this.scheduled || this.flushing !== undefined) return;
    this.scheduled = true;
    // A macrotask later: whatever the current message handler writes
    // synchronously (and, transactional, its offset) lands in the same batch.
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing === undefined && this.suspendedWith === undefined && this.traits.hasWork(this.batch)) {
        this.flushing = this.flushPending().finally(() => {
          this.flushing = undefined;
          // Written while this batch was out: the next batch.
          if (this.traits.hasWork(this.batch)) this.schedule();
        });
      }
    });
  }

  /**
   * Sends `batch`, then settles it with delivered() or failed(). Never
   * rejects: a failure is reported through failed() and the waiters.
   */
  protected abstract flush(batch: B): Promise<void>;

  protected delivered(batch: B): void {
    for (const waiter of batch.waiters) waiter.resolve();
  }

  /** Logs and reports a failed batch, then rejects its waiters (with the suspension's error if onFailure suspended). */
  protected failed(batch: B, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.logger.error(`${this.traits.failureMessage}: ${error.message}`);
    this.onFailure(error);
    for (const waiter of batch.waiters) waiter.reject(this.suspendedWith ?? error);
  }

  private flushPending(): Promise<void> {
    const batch = this.batch;
    this.batch = this.traits.emptyBatch();
    return this.flush(batch);
  }
}
