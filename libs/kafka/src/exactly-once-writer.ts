/**
 * Kafka Streams' exactly_once_v2 on @platformatic/kafka: ONE transactional
 * producer per member carries what every task of the member wrote, with the
 * offsets the tasks consumed, committed under the member's current group
 * generation (KIP-447). A member that lost its tasks to a rebalance without
 * knowing it yet is fenced by the group coordinator (ILLEGAL_GENERATION) and
 * its transaction aborts; no per-task producers are needed, so a busy member
 * commits one transaction where it committed one per task.
 *
 * Writes queue into one pending batch that goes out a macrotask later, one
 * transaction after the other: what arrives while a transaction commits goes
 * in the next one together (the commit interval adapts to the load: one
 * transaction per message when idle, bigger ones under load). Each write and
 * offset names its owner (a task): a task that is revoked or lost is dropped
 * from the pending batch, and a failed transaction names the owners it held.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, PlatformaticMessage, Producer } from './platformatic.js';

export interface OwnedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition?: number;
}

interface Waiter {
  readonly owner: number;
  resolve(): void;
  reject(err: Error): void;
}

interface Batch {
  /** In write order: partition order within a topic-partition is the order of writes. */
  readonly messages: { owner: number; topic: string; key: Buffer | null; value: Buffer | null; partition?: number }[];
  /** "topic/partition" → the next offset to read, and whose. */
  readonly offsets: Map<string, { owner: number; topic: string; partition: number; next: bigint }>;
  readonly owners: Set<number>;
  readonly waiters: Waiter[];
}

/** The key of abortOpen()'s records, which are always aborted. */
const ABORT_PROBE_KEY = Buffer.from('\u0000banana-market-abort-open');

const emptyBatch = (): Batch => ({ messages: [], offsets: new Map(), owners: new Set(), waiters: [] });

export interface ExactlyOnceWriterOptions {
  /** The member's consumer now (its group id, member id and generation go with every offset); undefined while it is stopped. */
  readonly groupMember: () => Consumer | undefined;
  /**
   * The group generation an owner (a task) was assigned in. Its offsets commit under that generation, not the
   * member's latest: the client learns a new generation before it learns which tasks it lost, and a task
   * moved to another member must not commit under the generation that moved it. Default: the member's.
   */
  readonly generationOf?: (owner: number) => number | undefined;
  readonly logger: { error(message: string): void };
  /**
   * A transaction could not commit: the owners it held are ahead of Kafka in
   * memory (their waiters are rejected). Called before the waiters settle.
   */
  readonly onFailure: (error: Error, owners: ReadonlySet<number>) => void;
  /**
   * Compacted topics where only a key's latest value matters (a state store's changelog): within one
   * transaction only the last message of each key is written — Kafka Streams' record cache between commits.
   */
  readonly latestPerKey?: ReadonlySet<string>;
}

export class ExactlyOnceWriter {
  private batch = emptyBatch();
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private suspendedWith: Error | undefined;
  /** Per owner, "topic/partition" → the last offset it committed: re-sent when it writes without consuming (fencing). */
  private readonly lastCommitted = new Map<number, Map<string, { topic: string; partition: number; next: bigint }>>();

  constructor(
    private producer: Producer,
    private readonly options: ExactlyOnceWriterOptions,
  ) {}

  get suspended(): boolean {
    return this.suspendedWith !== undefined;
  }

  /** Queues messages of `owner` for the next transaction; resolves once it committed. */
  write(owner: number, topic: string, messages: readonly OwnedMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the exactly-once writer is closed'));
    if (this.suspendedWith !== undefined) return Promise.reject(this.suspendedWith);
    for (const m of messages) this.batch.messages.push({ owner, topic, key: m.key, value: m.value, partition: m.partition });
    this.batch.owners.add(owner);
    const done = new Promise<void>((resolve, reject) => this.batch.waiters.push({ owner, resolve, reject }));
    this.schedule();
    return done;
  }

  /** Commits `next` (the next offset to read) of topic/partition for `owner` in the next transaction. */
  markConsumed(owner: number, topic: string, partition: number, next: bigint): void {
    if (this.suspendedWith !== undefined) return;
    this.batch.offsets.set(`${topic}/${partition}`, { owner, topic, partition, next });
    this.batch.owners.add(owner);
    this.schedule();
  }

  /** What the group had committed for an owner when it was taken: re-committed if it writes before it consumes. */
  seedCommitted(owner: number, topic: string, partition: number, next: bigint): void {
    let byPartition = this.lastCommitted.get(owner);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.lastCommitted.set(owner, byPartition);
    }
    byPartition.set(`${topic}/${partition}`, { topic, partition, next });
  }

  /** An owner that is gone (revoked, lost): its queued writes and offsets are dropped, its waiters rejected. */
  drop(owner: number, error: Error): void {
    this.lastCommitted.delete(owner);
    if (!this.batch.owners.has(owner)) return;
    const batch = this.batch;
    const kept = emptyBatch();
    for (const m of batch.messages) if (m.owner !== owner) kept.messages.push(m);
    for (const [id, o] of batch.offsets) if (o.owner !== owner) kept.offsets.set(id, o);
    for (const o of batch.owners) if (o !== owner) kept.owners.add(o);
    for (const w of batch.waiters) {
      if (w.owner === owner) w.reject(error);
      else kept.waiters.push(w);
    }
    this.batch = kept;
  }

  /** Refuses writes until resume(): what is queued rejects with `error` at once. */
  suspend(error: Error): void {
    this.suspendedWith = error;
    const dropped = this.batch;
    this.batch = emptyBatch();
    this.lastCommitted.clear();
    for (const w of dropped.waiters) w.reject(error);
  }

  /** Writes again through `producer` (same transactional id: it fenced the old one and aborted its open transaction). */
  async resume(producer: Producer): Promise<void> {
    await this.settled();
    this.producer = producer;
    this.suspendedWith = undefined;
  }

  async settled(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  /**
   * Ends whatever transaction of this producer is still open on these partitions: Kafka's remedy for a
   * hanging transaction (KIP-664's abort). A broker SIGKILLed mid-commit can come back with a partition
   * that holds a transaction its coordinator no longer lists; no marker would ever reach it, and every
   * read_committed reader stops there. A transaction that writes there and aborts puts an abort marker of
   * this producer id there, which ends its older open transaction too. Its records (an empty value under
   * a reserved key, one per partition) are aborted: no read_committed reader sees them. With `groupId`,
   * the group's offsets are in it too: offsets such a transaction left pending (which hold back every
   * require_stable read of the group's offsets) are aborted with it.
   */
  async abortOpen(targets: readonly { topic: string; partition: number }[], groupId?: string): Promise<void> {
    await this.settled();
    if (this.suspendedWith !== undefined) throw this.suspendedWith;
    if (targets.length === 0 && groupId === undefined) return;
    const probe = (async () => {
      const txn = await this.producer.beginTransaction();
      try {
        // AddOffsetsToTxn is all the client needs of a consumer here: its group id.
        if (groupId !== undefined) await txn.addConsumer({ groupId } as unknown as Consumer);
        if (targets.length > 0) {
          await txn.send({ messages: targets.map(({ topic, partition }) => ({ topic, partition, key: ABORT_PROBE_KEY, value: Buffer.alloc(0) })) });
        }
      } finally {
        await txn.abort();
      }
    })();
    this.flushing = probe
      .catch(() => undefined)
      .finally(() => {
        this.flushing = undefined;
        if (this.hasWork()) this.schedule();
      });
    await probe;
  }

  /** Commits what is queued, then refuses writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    if (this.suspendedWith === undefined && this.hasWork()) await this.flushPending();
  }

  private hasWork(): boolean {
    return this.batch.messages.length > 0 || this.batch.offsets.size > 0 || this.batch.waiters.length > 0;
  }

  private schedule(): void {
    if (this.suspendedWith !== undefined || this.scheduled || this.flushing !== undefined) return;
    this.scheduled = true;
    // A macrotask later: what the current batch of fetched messages writes goes in one transaction.
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing !== undefined || this.suspendedWith !== undefined || !this.hasWork()) return;
      this.flushing = this.flushPending().finally(() => {
        this.flushing = undefined;
        if (this.hasWork()) this.schedule();
      });
    });
  }

  private flushPending(): Promise<void> {
    const batch = this.batch;
    this.batch = emptyBatch();
    return this.commit(batch);
  }

  private async commit(batch: Batch): Promise<void> {
    const consumer = this.options.groupMember();
    let transaction: Awaited<ReturnType<Producer['beginTransaction']>> | undefined;
    try {
      const offsets = this.offsetsToCommit(batch);
      const txn = await this.producer.beginTransaction();
      transaction = txn;
      // The answers go to the partitions' leader, the offsets to the group coordinator: side by side.
      const sending =
        batch.messages.length === 0
          ? Promise.resolve()
          : txn.send({
              messages: this.latestOnly(batch.messages).map((m) => ({
                topic: m.topic,
                key: m.key ?? undefined,
                value: m.value as Buffer,
                partition: m.partition,
              })),
            });
      const committingOffsets = (async () => {
        if (offsets.length === 0) return;
        if (consumer === undefined) throw new Error('the group member stopped: its offsets cannot commit');
        await txn.addConsumer(consumer);
        // Each offset under the generation its task was assigned in (a stale one is refused, KIP-447); the
        // offsets of one generation go in one TxnOffsetCommit (the project's patch of the client).
        const byGeneration = new Map<number, PlatformaticMessage[]>();
        for (const o of offsets) {
          const generationId = this.options.generationOf?.(o.owner) ?? consumer.generationId;
          const member = { groupId: consumer.groupId, memberId: consumer.memberId, generationId, coordinatorId: consumer.coordinatorId };
          const consumed = { topic: o.topic, partition: o.partition, offset: o.next - 1n, metadata: { consumer: member } };
          const group = byGeneration.get(generationId) ?? [];
          byGeneration.set(generationId, group);
          group.push(consumed as unknown as PlatformaticMessage);
        }
        for (const group of byGeneration.values()) await txn.addOffset(group);
      })();
      const [sent, offsetsDone] = await Promise.allSettled([sending, committingOffsets]);
      if (sent.status === 'rejected') throw sent.reason;
      if (offsetsDone.status === 'rejected') throw offsetsDone.reason;
      await transaction.commit();
      for (const o of offsets) this.seedCommitted(o.owner, o.topic, o.partition, o.next);
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.options.logger.error(`Kafka transaction failed: ${error.message}`);
      await transaction?.abort().catch(() => undefined);
      this.options.onFailure(error, batch.owners);
      for (const w of batch.waiters) w.reject(this.suspendedWith ?? error);
    }
  }

  /** The batch's messages without those a later message of the same key replaces (latestPerKey topics only). */
  private latestOnly(messages: Batch['messages']): Batch['messages'] {
    const collapsible = this.options.latestPerKey;
    if (collapsible === undefined || collapsible.size === 0) return messages;
    const slot = (m: Batch['messages'][number]) => `${m.topic}\u0000${m.partition ?? ''}\u0000${m.key?.toString('latin1')}`;
    const last = new Map<string, number>();
    messages.forEach((m, i) => {
      if (m.key !== null && collapsible.has(m.topic)) last.set(slot(m), i);
    });
    if (last.size === 0) return messages;
    return messages.filter((m, i) => m.key === null || !collapsible.has(m.topic) || last.get(slot(m)) === i);
  }

  /** The batch's offsets, and for an owner that wrote without consuming, its last committed ones (so that a stale member is fenced). */
  private offsetsToCommit(batch: Batch): { owner: number; topic: string; partition: number; next: bigint }[] {
    const offsets = [...batch.offsets.values()];
    const covered = new Set(offsets.map((o) => o.owner));
    for (const owner of batch.owners) {
      if (covered.has(owner)) continue;
      for (const o of this.lastCommitted.get(owner)?.values() ?? []) offsets.push({ owner, ...o });
    }
    return offsets;
  }
}

/**
 * The transactional id of a member of `groupId` (one producer per member).
 * Given the server's process id, kept across its restarts (Kafka Streams'
 * process id in its state directory), a restarted server's producer aborts
 * what its killed predecessor left open at once; without, a random one.
 */
export function memberTransactionalId(groupId: string, processId: string = randomUUID()): string {
  return `${groupId}-member-${processId}`;
}
