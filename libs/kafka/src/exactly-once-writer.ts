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
 * What an owner hands over with writeAtCommit is taken only when its
 * transaction starts: a state store's record cache, which then encodes and
 * signs only each key's latest value (Kafka Streams' cache between commits).
 */
import { randomUUID } from 'node:crypto';
import { brokerErrorIds, errorsWithin, type Consumer, type PlatformaticMessage, type Producer } from './platformatic.js';
import { inRequestSizedRuns, recordBytes } from './request-size.js';

/** A partition where a transaction stays undecided, and the offset its oldest undecided record has (its last stable offset). */
export interface HangingPartition {
  readonly topic: string;
  readonly partition: number;
  readonly since: bigint;
}

/** What endHanging() did: the partitions it committed (their transaction was acknowledged to this writer) and aborted. */
export interface HangingOutcome {
  readonly committed: readonly HangingPartition[];
  readonly aborted: readonly HangingPartition[];
  readonly groupOffsets: 'committed' | 'aborted' | 'untouched';
}

export interface OwnedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, Buffer>>;
  /** The writer's caller's own about the record (e.g. what its value decodes to): not written, handed to onCommitted. */
  readonly context?: unknown;
}

/** A record of a committed transaction, where the broker put it (ExactlyOnceWriterOptions.onCommitted). */
export interface CommittedRecord {
  readonly owner: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** The record's timestamp (ms), as written. */
  readonly timestamp: number;
  /** OwnedMessage.context, as written. */
  readonly context?: unknown;
}

interface Waiter {
  readonly owner: number;
  resolve(): void;
  reject(err: Error): void;
}

interface Batch {
  /** In write order: partition order within a topic-partition is the order of writes. */
  readonly messages: ({ owner: number; topic: string } & OwnedMessage)[];
  /** What owners hand over when the transaction starts (writeAtCommit), in call order: written after the messages. */
  readonly atCommit: { readonly owner: number; readonly topic: string; readonly take: () => readonly OwnedMessage[] }[];
  /** "topic/partition" → the next offset to read, and whose. */
  readonly offsets: Map<string, { owner: number; topic: string; partition: number; next: bigint }>;
  readonly owners: Set<number>;
  readonly waiters: Waiter[];
}

const emptyBatch = (): Batch => ({ messages: [], atCommit: [], offsets: new Map(), owners: new Set(), waiters: [] });

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
   * A transaction committed: its records, each where the broker put it, in write order — before the
   * writes' promises resolve. Only records written to an explicit partition have a place the writer
   * knows: a transaction with any other record reports none (its records are read back as anyone's).
   */
  readonly onCommitted?: (records: readonly CommittedRecord[]) => void;
}

/** What an owner handed over with writeAtCommit could not be made: its transaction is not sent (nothing the broker did). */
export class TakeFailedError extends Error {
  constructor(
    readonly owner: number,
    cause: unknown,
  ) {
    super(`the writes at commit of owner ${owner} could not be made: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TakeFailedError';
  }
}

export class ExactlyOnceWriter {
  private batch = emptyBatch();
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private suspendedWith: Error | undefined;
  /** Per owner, "topic/partition" → the last offset it committed: re-sent when it writes without consuming (fencing). */
  private readonly lastCommitted = new Map<number, Map<string, { topic: string; partition: number; next: bigint }>>();
  /**
   * "topic/partition" → where the last transaction the broker acknowledged as committed began there, for
   * the partitions no later transaction may have written to since (endHanging). A partition a later
   * transaction wrote to (or may have) has no entry.
   */
  private readonly acknowledgedFrom = new Map<string, bigint>();
  /** Whether the last offsets sent to the group were in a transaction the broker acknowledged as committed. */
  private offsetsAcknowledged = false;

  constructor(
    private producer: Producer,
    private readonly options: ExactlyOnceWriterOptions,
  ) {}

  get suspended(): boolean {
    return this.suspendedWith !== undefined;
  }

  /** Queues messages of `owner` for the next transaction; resolves once it committed. */
  write(owner: number, topic: string, messages: readonly OwnedMessage[]): Promise<void> {
    return this.enqueue(owner, (batch) => {
      for (const m of messages)
        batch.messages.push({ owner, topic, key: m.key, value: m.value, partition: m.partition, headers: m.headers, context: m.context });
    });
  }

  /**
   * Queues what `take` returns when the next transaction starts (not now), for `owner`; resolves once it
   * committed. Its messages go after the transaction's others: an owner must not mix this and write() on one
   * partition. `take` runs once, unless the owner is dropped or the writer suspended first (then never: the
   * promise rejects).
   */
  writeAtCommit(owner: number, topic: string, take: () => readonly OwnedMessage[]): Promise<void> {
    return this.enqueue(owner, (batch) => batch.atCommit.push({ owner, topic, take }));
  }

  /** Adds `owner`'s part to the pending batch (refused on a closed or suspended writer); resolves once it committed. */
  private enqueue(owner: number, add: (batch: Batch) => void): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the exactly-once writer is closed'));
    if (this.suspendedWith !== undefined) return Promise.reject(this.suspendedWith);
    add(this.batch);
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
    for (const a of batch.atCommit) if (a.owner !== owner) kept.atCommit.push(a);
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
   * Ends this producer's transactions still undecided on these partitions: Kafka's remedy for a hanging
   * transaction (KIP-664). A broker SIGKILLed mid-commit can come back with partitions holding a
   * transaction its coordinator no longer lists: no marker would ever reach them, every read_committed
   * reader stops there, and the producer's next commit there would commit them. A marker of this
   * producer id ends them; which one is this writer's to say:
   * - where the undecided records begin exactly where the last transaction the broker acknowledged as
   *   committed began, and nothing of this writer went there since, the broker lost an acknowledged
   *   commit (the answers may have reached players): they are committed;
   * - everywhere else they are aborted (never acknowledged; another producer's transaction is not ended
   *   by this one's marker).
   * With `groupId`, the group's offsets are ended too (pending offsets hold back every require_stable
   * read of them): committed with an acknowledged commit whose offsets were the last sent, else aborted.
   * The marker transactions carry no record: they add the partitions and end.
   */
  async endHanging(stuck: readonly HangingPartition[], groupId?: string): Promise<HangingOutcome> {
    const committed = stuck.filter((p) => this.acknowledgedFrom.get(`${p.topic}/${p.partition}`) === p.since);
    const aborted = stuck.filter((p) => !committed.includes(p));
    const commitOffsets = groupId !== undefined && committed.length > 0 && this.offsetsAcknowledged;
    if (committed.length > 0) await this.endOnly(committed, commitOffsets ? groupId : undefined, 'commit');
    const abortOffsets = groupId !== undefined && !commitOffsets;
    if (aborted.length > 0 || abortOffsets) await this.endOnly(aborted, abortOffsets ? groupId : undefined, 'abort');
    return { committed, aborted, groupOffsets: commitOffsets ? 'committed' : abortOffsets ? 'aborted' : 'untouched' };
  }

  /** One transaction of these partitions (and the group's offsets) with nothing in it, committed or aborted: only its markers are written. */
  private async endOnly(targets: readonly HangingPartition[], groupId: string | undefined, end: 'commit' | 'abort'): Promise<void> {
    await this.settled();
    if (this.suspendedWith !== undefined) throw this.suspendedWith;
    const marker = (async () => {
      const txn = await this.producer.beginTransaction();
      let ended = false;
      try {
        // AddOffsetsToTxn is all the client needs of a consumer here: its group id.
        if (groupId !== undefined) await txn.addConsumer({ groupId } as unknown as Consumer);
        if (targets.length > 0) {
          const metadata = await this.producer.metadata({ topics: [...new Set(targets.map((t) => t.topic))] });
          // AddPartitionsToTxn reads a record's topic and partition only.
          const partitions = targets.map(({ topic, partition }) => ({ topic, partition }));
          await txn.addPartitions(metadata, partitions as unknown as Parameters<typeof txn.addPartitions>[1]);
        }
        if (end === 'commit') await txn.commit();
        else await txn.abort();
        ended = true;
      } finally {
        if (!ended) await txn.abort().catch(() => undefined);
      }
    })();
    this.flushing = marker
      .catch(() => undefined)
      .finally(() => {
        this.flushing = undefined;
        if (this.hasWork()) this.schedule();
      });
    await marker;
  }

  /** Commits what is queued, then refuses writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    if (this.suspendedWith === undefined && this.hasWork()) await this.flushPending();
  }

  private hasWork(): boolean {
    return this.batch.messages.length > 0 || this.batch.atCommit.length > 0 || this.batch.offsets.size > 0 || this.batch.waiters.length > 0;
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
      // Taken now, into this transaction, after its other messages (an owner does not mix write and writeAtCommit on one
      // partition): a take that throws fails it, as a TakeFailedError.
      for (const { owner, topic, take } of batch.atCommit) for (const m of taken(owner, take)) batch.messages.push({ owner, topic, ...m });
      const offsets = this.offsetsToCommit(batch);
      const txn = await this.producer.beginTransaction();
      transaction = txn;
      // The answers go to the partitions' leader, the offsets to the group coordinator: side by side.
      const sending = this.sendInChunks(txn, batch.messages);
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
        this.offsetsAcknowledged = false;
        for (const group of byGeneration.values()) await txn.addOffset(group);
      })();
      const [sent, offsetsDone] = await Promise.allSettled([sending, committingOffsets]);
      if (sent.status === 'rejected') {
        this.forgetAcknowledged(sent.reason, batch);
        throw sent.reason;
      }
      // Where this transaction's records begin: known to be acknowledged once it commits, unknown until then.
      const written = firstOffsets(sent.value.offsets);
      for (const id of written.keys()) this.acknowledgedFrom.delete(id);
      if (offsetsDone.status === 'rejected') throw offsetsDone.reason;
      await transaction.commit();
      for (const [id, first] of written) this.acknowledgedFrom.set(id, first);
      if (offsets.length > 0) this.offsetsAcknowledged = true;
      for (const o of offsets) this.seedCommitted(o.owner, o.topic, o.partition, o.next);
      this.reportCommitted(batch.messages, sent.value.placed);
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // The broker's own words when it gave any (MESSAGE_TOO_LARGE, PRODUCER_FENCED, …): the client's message alone says little.
      const causes = [
        ...new Set([
          ...brokerErrorIds(error),
          ...errorsWithin(error)
            .map((e) => (e as Error).message)
            .filter((m) => m !== error.message),
        ]),
      ];
      this.options.logger.error(`Kafka transaction failed: ${error.message}${causes.length > 0 ? ` (${causes.slice(0, 4).join('; ')})` : ''}`);
      await transaction?.abort().catch(() => undefined);
      this.options.onFailure(error, batch.owners);
      for (const w of batch.waiters) w.reject(this.suspendedWith ?? error);
    }
  }

  /** onCommitted, with the records whose places the sends told (a throwing listener fails nothing: the transaction is committed). */
  private reportCommitted(messages: Batch['messages'], placed: Placed | undefined): void {
    const listener = this.options.onCommitted;
    if (listener === undefined || placed === undefined || messages.length === 0) return;
    const { offsets, timestamp } = placed;
    const records: CommittedRecord[] = new Array(messages.length);
    for (let i = 0; i < messages.length; i += 1) {
      const m = messages[i];
      records[i] = {
        owner: m.owner,
        topic: m.topic,
        partition: m.partition as number,
        offset: offsets[i],
        key: m.key,
        value: m.value,
        timestamp,
        context: m.context,
      };
    }
    try {
      listener(records);
    } catch (err) {
      this.options.logger.error(`a listener of committed records failed: ${String(err)}`);
    }
  }

  /**
   * A send that failed may have written some of its records (the client marks a failure that came back
   * from producing with `produced`; one before it — metadata, AddPartitionsToTxn — wrote nothing): then
   * no partition of its topics is known to end with an acknowledged transaction any more.
   */
  private forgetAcknowledged(failure: unknown, batch: Batch): void {
    if (!errorsWithin(failure).some((e) => 'produced' in e)) return;
    const topics = new Set(batch.messages.map((m) => `${m.topic}/`));
    for (const id of [...this.acknowledgedFrom.keys()]) if (topics.has(id.slice(0, id.lastIndexOf('/') + 1))) this.acknowledgedFrom.delete(id);
  }

  /**
   * Writes the transaction's records in sends the broker accepts (request-size.ts: at most
   * MAX_BATCH_BYTES for any one partition), one send after the other, so each partition keeps its
   * order. A usual transaction is one send. Resolves with where each send's records begin per partition
   * and, for onCommitted when every record names its partition, each record's offset (in `messages`
   * order): a send's records of one partition follow each other from the offset the broker gave it.
   */
  private async sendInChunks(
    txn: Awaited<ReturnType<Producer['beginTransaction']>>,
    messages: Batch['messages'],
  ): Promise<{ offsets: RecordOffset[]; placed: Placed | undefined }> {
    const offsets: RecordOffset[] = [];
    let recordOffsets: bigint[] | undefined =
      this.options.onCommitted !== undefined && messages.every((m) => m.partition !== undefined) ? [] : undefined;
    // One time for the transaction's records, written into them: what onCommitted reports is what a consumer reads.
    const timestamp = Date.now();
    for (const chunk of inRequestSizedRuns(messages, recordBytes, (m) => `${m.topic}/${m.partition}`)) {
      const sent = await txn.send({
        messages: chunk.map((m) => ({
          topic: m.topic,
          key: m.key ?? undefined,
          value: m.value as Buffer,
          partition: m.partition,
          timestamp: BigInt(timestamp),
          headers: headerMap(m.headers),
        })),
      });
      const bases = sent.offsets ?? [];
      offsets.push(...bases);
      if (recordOffsets === undefined) continue;
      const nextOffset = new Map<string, bigint>();
      for (const { topic, partition, offset } of bases) nextOffset.set(`${topic}/${partition}`, offset);
      for (const m of chunk) {
        const id = `${m.topic}/${m.partition}`;
        const offset = nextOffset.get(id);
        if (offset === undefined) {
          // A send the broker answered without this partition's offset: the places of this transaction are unknown.
          recordOffsets = undefined;
          break;
        }
        nextOffset.set(id, offset + 1n);
        recordOffsets.push(offset);
      }
    }
    return { offsets, placed: recordOffsets === undefined ? undefined : { offsets: recordOffsets, timestamp } };
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

/** Where a send's records begin in a partition, as the send reports it. */
type RecordOffset = { topic: string; partition: number; offset: bigint };
/** Each record's offset (in the transaction's order; its partition is its own), and their one timestamp. */
type Placed = { readonly offsets: readonly bigint[]; readonly timestamp: number };

/** The client writes header names as given: bytes, not strings. */
function headerMap(headers: OwnedMessage['headers']): Map<Buffer, Buffer> | undefined {
  return headers === undefined ? undefined : new Map(Object.entries(headers).map(([name, value]) => [Buffer.from(name), value]));
}

function taken(owner: number, take: () => readonly OwnedMessage[]): readonly OwnedMessage[] {
  try {
    return take();
  } catch (err) {
    throw new TakeFailedError(owner, err);
  }
}

/** "topic/partition" → the first offset a send wrote there (the lowest base offset of its batches). */
function firstOffsets(offsets: readonly RecordOffset[] | undefined): Map<string, bigint> {
  const first = new Map<string, bigint>();
  for (const { topic, partition, offset } of offsets ?? []) {
    const id = `${topic}/${partition}`;
    const known = first.get(id);
    if (known === undefined || offset < known) first.set(id, offset);
  }
  return first;
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
