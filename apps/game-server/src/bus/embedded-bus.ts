/**
 * An in-process bus with the Kafka semantics the server relies on, so that
 * `npm start` needs nothing else. Messages are retained per partition up to a
 * bound (a 3-hour game must not grow memory without limit); compacted topics
 * keep at least the newest message of every key, like Kafka's log cleaner.
 *
 * With a `dataDir` the bus is durable: its topics, committed group offsets and
 * compacted survivors live in `<dataDir>/bus.sqlite` (EmbeddedLogStore) and a
 * restarted server finds them again. It then behaves like the Kafka bus's
 * transactional writer: what is published — and the offsets consumers commit
 * — within one macrotask goes into one SQLite transaction, written on
 * `setImmediate`; `publish` resolves once that transaction is committed, and
 * consumers see messages only then (Kafka's read_committed). Without a
 * `dataDir` it is memory-only: a publish is visible at once.
 */
import { Logger } from '@nestjs/common';
import type { TopicSpec } from './message-bus.js';
import { type InternedKey, InternedKeys } from './interned-keys.js';
import { partitionForKey } from './key-partitioner.js';
import { compactionKey, EmbeddedBusStorageError, EmbeddedLogStore, type Batch, type Trim, visibleMessages } from './embedded-log-store.js';
import {
  toBuffer,
  type BusMessage,
  type MessageBus,
  type OutgoingMessage,
  type ReadTopicOptions,
  type SubscribeOptions,
  type Subscription,
  type TaskContext,
  type TaskGroupOptions,
  type TaskStatus,
} from './message-bus.js';

export { readEmbeddedTopic, EmbeddedBusStorageError } from './embedded-log-store.js';

interface PartitionLog {
  /** The partition's oldest offset: that of messages[0], or of the first message on disk only (a resting topic). */
  firstOffset: number;
  messages: BusMessage[];
  /** A resting topic's messages, on disk only (messages is then empty); 0 for a topic in memory. */
  onDisk: number;
}

interface TopicLog {
  spec: TopicSpec;
  readonly partitions: PartitionLog[];
  roundRobin: number;
  /** For compacted topics: the newest trimmed message of each key (by compactionKey), tombstones excluded. */
  compacted?: Map<string, BusMessage>;
  /**
   * A compacted topic of a durable bus that no member read when it was written (a state store's
   * changelog, read back only by restores): its messages and survivors are in the database alone, as
   * Kafka serves a topic nobody consumes from disk. A copy in memory that nobody read held a message per
   * order for the whole game. The first member to subscribe loads it (it then stays in memory).
   */
  resting: boolean;
}

interface Cursor {
  next: number;
  draining: boolean;
}

interface GroupMember {
  readonly options: SubscribeOptions;
  /** Cursor per "topic/partition". */
  readonly cursors: Map<string, Cursor>;
  closed: boolean;
  /** A task group's member: it holds every task (the bus is its one member). */
  readonly tasks?: { readonly options: TaskGroupOptions; readonly partitions: readonly number[] };
}

/** A message accepted by publish() and waiting for its transaction (durable bus only): its offset is set then. */
type PendingMessage = { -readonly [K in keyof BusMessage]: BusMessage[K] };

/**
 * One partition's messages in a pending transaction, in publish order: appended as they are, and
 * written as one segment, with no regrouping of the batch per message at commit.
 */
interface PendingRun {
  readonly topic: TopicLog;
  readonly partition: number;
  readonly messages: PendingMessage[];
}

/** What the next transaction writes (durable bus only). */
interface PendingBatch {
  /** Per partition (its log), in the order partitions were first published to. */
  readonly runs: Map<PartitionLog, PendingRun>;
  /** "group\0topic/partition" → the next offset the group reads; the newest wins. */
  readonly offsets: Map<string, { -readonly [K in keyof Batch['offsets'][number]]: Batch['offsets'][number][K] }>;
  /** What tasks publish at commit (TaskContext.publishAtCommit), in call order: taken when the batch is written. */
  readonly atCommit: Array<{ readonly topic: TopicLog; readonly take: () => readonly OutgoingMessage[] }>;
  /**
   * What every publish into this batch returns, made by the first one: one promise per
   * transaction rather than one per call, which the hot path (several publishes per order) felt.
   */
  committed?: { readonly promise: Promise<void>; readonly resolve: () => void; readonly reject: (err: Error) => void };
}

/** Per trimmed partition of one transaction: which compaction keys it changed. */
interface TrimNote {
  readonly topic: TopicLog;
  readonly partition: number;
  readonly keys: Set<string>;
}

export interface EmbeddedBusOptions {
  /** Messages kept per partition before the oldest are dropped (in memory and in the database alike). */
  readonly retainPerPartition?: number;
  /** Time source for message timestamps. */
  readonly now?: () => number;
  /** Keep the topics in `<dataDir>/bus.sqlite`, and load them from it if it exists. Without: memory only. */
  readonly dataDir?: string;
  /**
   * Called when a transaction cannot be written (disk full, I/O error): the
   * bus then refuses every publish and stops delivering (default: log).
   */
  readonly onFatalError?: (err: Error) => void;
}

/** How long close() waits for handlers that are running to finish, so that their offsets commit with their output. */
const CLOSE_WAIT_MS = 10_000;

const emptyBatch = (): PendingBatch => ({ runs: new Map(), offsets: new Map(), atCommit: [] });

export class EmbeddedBus implements MessageBus {
  readonly kind = 'embedded' as const;
  private readonly logger = new Logger('EmbeddedBus');
  private readonly topics = new Map<string, TopicLog>();
  private readonly members = new Set<GroupMember>();
  /** The topics a member has subscribed to since the bus opened: never put to rest (a read model reads, then follows). */
  private readonly followed = new Set<string>();
  /** Committed offsets per group, so a group that re-subscribes (or a restarted durable bus) resumes where it was. */
  private readonly committed: Map<string, Map<string, number>>;
  private readonly retainPerPartition: number;
  private readonly now: () => number;
  private readonly onFatalError: (err: Error) => void;
  /** The database of a durable bus; undefined for a memory-only one. */
  private readonly store: EmbeddedLogStore | undefined;
  /**
   * The next transaction (durable bus). Mutated, never reassigned: a view of
   * the bus made with Object.create (as some tests do) must share it.
   */
  private readonly batching = { pending: emptyBatch(), scheduled: false };
  private readonly deliveries = new Set<Promise<void>>();
  /** Messages of one key text share its bytes. */
  private readonly keys = new InternedKeys();
  private readonly idleWaiters: Array<() => void> = [];
  private closing: Promise<void> | undefined;
  private closed = false;
  private failure: Error | undefined;

  /** With a `dataDir`, opens and loads the database synchronously; an unreadable one throws EmbeddedBusStorageError. */
  constructor(options: EmbeddedBusOptions = {}) {
    this.retainPerPartition = options.retainPerPartition ?? 50_000;
    this.now = options.now ?? Date.now;
    this.onFatalError = options.onFatalError ?? ((err) => this.logger.error(`the embedded bus cannot write its database, it stops: ${err.message}`));
    if (options.dataDir === undefined) {
      this.store = undefined;
      this.committed = new Map();
      return;
    }
    const store = EmbeddedLogStore.open(options.dataDir);
    try {
      const state = store.load();
      this.committed = state.committed;
      const trims = new Map<string, TrimNote>();
      for (const stored of state.topics) {
        const topic: TopicLog = {
          spec: stored.spec,
          partitions: stored.partitions.map((p) => ({ firstOffset: p.firstOffset, messages: p.messages, onDisk: 0 })),
          roundRobin: 0,
          compacted: isCompacted(stored.spec) ? new Map(stored.compacted.map((m) => [compactionKey(m.key), m])) : undefined,
          resting: false,
        };
        this.topics.set(stored.spec.name, topic);
        // The bound may have been lowered since the database was written: apply it now.
        topic.partitions.forEach((log, partition) => {
          while (log.messages.length > this.retainPerPartition) this.enforceRetention(topic, partition, log, trims);
        });
      }
      if (trims.size > 0) store.writeBatch({ segments: [], offsets: [], trims: this.toTrims(trims) });
    } catch (err) {
      store.close();
      throw err instanceof EmbeddedBusStorageError ? err : new EmbeddedBusStorageError(store.file, err);
    }
    this.store = store;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      const existing = this.topics.get(spec.name);
      if (existing !== undefined) {
        if (this.store !== undefined) this.reconcileStoredTopic(existing, spec, this.store);
        continue;
      }
      this.store?.saveTopic(spec);
      this.topics.set(spec.name, {
        spec,
        partitions: Array.from({ length: spec.partitions }, () => ({ firstOffset: 0, messages: [], onDisk: 0 })),
        roundRobin: 0,
        compacted: isCompacted(spec) ? new Map() : undefined,
        resting: false,
      });
    }
  }

  publish(topicName: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new Error(`the embedded bus stopped after a failed write: ${this.failure.message}`));
    if (this.closed) return Promise.reject(new Error(`the embedded bus is closed: cannot publish to "${topicName}"`));
    let topic: TopicLog;
    try {
      topic = this.requireTopic(topicName);
      this.checkPartitions(topic, messages);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.store === undefined) {
      // Memory only: visible at once.
      const touched = new Set<number>();
      for (const outgoing of messages) {
        const interned = this.internedKey(outgoing);
        const key = interned?.bytes ?? toBuffer(outgoing.key);
        const partition = this.placeMessage(topic, key, interned, outgoing.partition);
        this.append(topic, partition, key, toBuffer(outgoing.value), this.now(), outgoing.decoded);
        touched.add(partition);
      }
      this.drainTouched([[topicName, touched]]);
      return Promise.resolve();
    }
    // Durable: the partition (and so the order) is fixed now, the offset when the transaction is written.
    const batch = this.batching.pending;
    this.stage(batch, topic, messages);
    batch.committed ??= withResolvers();
    this.scheduleFlush();
    return batch.committed.promise;
  }

  /** TaskContext.publishAtCommit of a durable bus: `take` runs when the pending batch is written, and its messages join it. */
  private publishAtCommit(topicName: string, take: () => readonly OutgoingMessage[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new Error(`the embedded bus stopped after a failed write: ${this.failure.message}`));
    if (this.closed) return Promise.reject(new Error(`the embedded bus is closed: cannot publish to "${topicName}"`));
    let topic: TopicLog;
    try {
      topic = this.requireTopic(topicName);
    } catch (err) {
      return Promise.reject(err);
    }
    const batch = this.batching.pending;
    batch.atCommit.push({ topic, take });
    batch.committed ??= withResolvers();
    this.scheduleFlush();
    return batch.committed.promise;
  }

  /** Adds messages to a pending batch (durable bus): their partition (and so their order) is fixed now, their offset when it is written. */
  private stage(batch: PendingBatch, topic: TopicLog, messages: readonly OutgoingMessage[]): void {
    for (const outgoing of messages) {
      const interned = this.internedKey(outgoing);
      const key = interned?.bytes ?? toBuffer(outgoing.key);
      const partition = this.placeMessage(topic, key, interned, outgoing.partition);
      const log = topic.partitions[partition];
      let run = batch.runs.get(log);
      if (run === undefined) {
        run = { topic, partition, messages: [] };
        batch.runs.set(log, run);
      }
      const { decoded } = outgoing;
      run.messages.push({ topic: topic.spec.name, partition, offset: '', key, value: toBuffer(outgoing.value), timestamp: this.now(), decoded });
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.checkNewGroup(options.groupId, options.topics);
    return this.join({ options, cursors: new Map(), closed: false });
  }

  /**
   * The bus is the group's one member: it gets every task at once (onAssigned with all of them before the
   * first message), and a task's publish is the bus' publish — in the same batch as the consumed offsets.
   */
  async subscribeTasks(taskOptions: TaskGroupOptions): Promise<Subscription> {
    this.checkNewGroup(taskOptions.groupId, taskOptions.topics);
    const count = Math.max(0, ...taskOptions.topics.map((name) => this.requireTopic(name).spec.partitions));
    const contexts: TaskContext[] = Array.from({ length: count }, (_, partition) => ({
      groupId: taskOptions.groupId,
      partition,
      publish: (topic: string, messages: readonly OutgoingMessage[]) => this.publish(topic, messages),
      // Only a durable bus has a commit to defer to: the memory-only one makes a publish visible at once.
      ...(this.store === undefined
        ? {}
        : { publishAtCommit: (topic: string, take: () => readonly OutgoingMessage[]) => this.publishAtCommit(topic, take) }),
    }));
    const partitions = contexts.map((c) => c.partition);
    // Reserved now: a second subscribeTasks of the group while onAssigned runs is refused too.
    const placeholder: GroupMember = {
      options: { groupId: taskOptions.groupId, topics: [], onMessage: () => undefined },
      cursors: new Map(),
      closed: true,
    };
    this.members.add(placeholder);
    try {
      await taskOptions.onAssigned(contexts);
    } finally {
      this.members.delete(placeholder);
    }
    if (this.closed || this.failure !== undefined) throw new Error('the embedded bus closed while the tasks were assigned');
    const options: SubscribeOptions = {
      groupId: taskOptions.groupId,
      topics: taskOptions.topics,
      fromBeginning: true,
      onMessage: (message) => taskOptions.onMessage(message, contexts[message.partition]),
    };
    return this.join({ options, cursors: new Map(), closed: false, tasks: { options: taskOptions, partitions } });
  }

  /** Every task of every task group, with its lag from the log. */
  async taskStatus(): Promise<readonly TaskStatus[]> {
    const status: TaskStatus[] = [];
    for (const member of this.members) {
      if (member.tasks === undefined || member.closed) continue;
      for (const partition of member.tasks.partitions) {
        let lag = 0;
        for (const name of member.options.topics) {
          const log = this.topics.get(name)?.partitions[partition];
          const cursor = member.cursors.get(`${name}/${partition}`);
          if (log === undefined || cursor === undefined) continue;
          lag += Math.max(0, log.firstOffset + log.messages.length - Math.max(cursor.next, log.firstOffset));
        }
        status.push({ groupId: member.options.groupId, partition, lag });
      }
    }
    return status;
  }

  private checkNewGroup(groupId: string, topics: readonly string[]): void {
    for (const name of topics) this.requireTopic(name);
    for (const existing of this.members) {
      if (existing.options.groupId === groupId) {
        throw new Error(`the embedded bus serves one consumer per group; "${groupId}" already has one`);
      }
    }
  }

  private join(member: GroupMember): Subscription {
    const { options } = member;
    const offsets = this.committedOffsets(options.groupId);
    for (const name of options.topics) {
      const topic = this.requireTopic(name);
      this.followed.add(name);
      if (topic.resting) this.wake(topic);
      topic.partitions.forEach((log, partition) => {
        const id = `${name}/${partition}`;
        const start = offsets.get(id) ?? (options.fromBeginning ? log.firstOffset : log.firstOffset + log.messages.length);
        member.cursors.set(id, { next: start, draining: false });
      });
    }
    this.members.add(member);
    for (const name of options.topics) {
      this.requireTopic(name).partitions.forEach((_, partition) => this.drain(member, name, partition));
    }
    return {
      close: async () => {
        if (member.closed) return;
        member.closed = true;
        this.members.delete(member);
        this.revokeTasks(member);
      },
    };
  }

  async readTopic(topicName: string, options: ReadTopicOptions = {}): Promise<BusMessage[]> {
    const topic = this.requireTopic(topicName);
    if (topic.resting && this.closed) throw new Error(`the embedded bus is closed: cannot read "${topicName}" from its database`);
    const stored = topic.resting && this.store !== undefined ? this.store.readTopic(topicName) : undefined;
    const all =
      stored === undefined
        ? visibleMessages(topic.partitions, topic.compacted?.values() ?? [])
        : visibleMessages(stored.partitions, stored.compacted);
    const only = options.partitions;
    return only === undefined ? all : all.filter((m) => only.includes(m.partition));
  }

  /** A task group's member that stops: its tasks are revoked. */
  private revokeTasks(member: GroupMember): void {
    if (member.tasks === undefined) return;
    try {
      member.tasks.options.onRevoked([...member.tasks.partitions]);
    } catch (err) {
      this.logger.error(`onRevoked of ${member.options.groupId} failed: ${String(err)}`);
    }
  }

  /** Resolves once every subscriber has handled every message published so far (for tests). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops delivering; a durable bus then lets the handlers that are running
   * finish (their offsets must commit with what they published), writes what
   * is pending and closes the database. Later publishes reject.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const stopping = [...this.members];
    for (const member of this.members) member.closed = true;
    this.members.clear();
    if (this.store !== undefined && this.deliveries.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), CLOSE_WAIT_MS);
      });
      const settled = Promise.allSettled([...this.deliveries]).then(() => false);
      if (await Promise.race([settled, timedOut])) {
        this.logger.warn(`closing with handlers still running after ${CLOSE_WAIT_MS} ms: their messages will be delivered again on restart`);
      }
      clearTimeout(timer);
    }
    this.closed = true;
    if (this.store !== undefined) {
      this.flush();
      this.store.close();
    }
    // After their last batch is written, as the Kafka bus' tasks commit what they queued first.
    for (const member of stopping) this.revokeTasks(member);
  }

  private scheduleFlush(): void {
    if (this.batching.scheduled) return;
    this.batching.scheduled = true;
    // A macrotask later, like the Kafka bus's exactly-once writer: everything
    // the current handler publishes synchronously and, once it resolves, its
    // offset (set on a microtask) land in the same transaction.
    setImmediate(() => {
      this.batching.scheduled = false;
      this.flush();
    });
  }

  /**
   * Writes the pending batch in one transaction, then makes it visible.
   * better-sqlite3 is synchronous: the in-memory append below and the commit
   * happen in one turn of the event loop, so no consumer, readTopic or
   * publish can run in between and see messages that are not yet durable.
   */
  private flush(): void {
    const store = this.store;
    const batch = this.batching.pending;
    if (store === undefined || (batch.runs.size === 0 && batch.offsets.size === 0 && batch.committed === undefined)) return;
    this.batching.pending = emptyBatch();
    if (this.failure !== undefined || !store.isOpen) {
      batch.committed?.reject(this.failure ?? new Error('the embedded bus is closed'));
      return;
    }
    try {
      // Taken now, even from a closing bus: they belong to this batch, whose handlers' offsets it commits.
      for (const { topic, take } of batch.atCommit) {
        const messages = take();
        this.checkPartitions(topic, messages);
        this.stage(batch, topic, messages);
      }
    } catch (err) {
      this.fail(batch, err);
      return;
    }
    const trims = new Map<string, TrimNote>();
    const touched = new Map<string, Set<number>>();
    const segments: BusMessage[][] = [];
    for (const { topic, partition, messages } of batch.runs.values()) {
      const name = topic.spec.name;
      let partitions = touched.get(name);
      if (partitions === undefined) {
        partitions = new Set();
        touched.set(name, partitions);
      }
      partitions.add(partition);
      // Decided when it is written, not when it is loaded: the subscribers of a restarted server come before its first write.
      if (!topic.resting && topic.compacted !== undefined && !this.followed.has(name)) this.rest(topic);
      for (const message of messages) this.appendMessage(topic, partition, message, trims);
      segments.push(messages);
    }
    try {
      store.writeBatch({ segments, offsets: [...batch.offsets.values()], trims: this.toTrims(trims) });
    } catch (err) {
      // Memory is now ahead of the database: stop rather than let anyone act on it (a restart resumes from the file).
      this.fail(batch, err);
      return;
    }
    batch.committed?.resolve();
    try {
      this.trimResting(store, batch);
    } catch (err) {
      // The batch is written (and acknowledged): only retention failed, but the database is no longer writable.
      this.fail(emptyBatch(), err);
      return;
    }
    this.drainTouched([...touched]);
    if (this.isIdle()) this.notifyIdle();
  }

  /** A batch that cannot be written: the bus stops (refuses publishes, delivers nothing more). */
  private fail(batch: PendingBatch, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.failure = error;
    for (const member of this.members) member.closed = true;
    this.members.clear();
    batch.committed?.reject(error);
    this.onFatalError(error);
  }

  /** `touched`: the partitions published to, per topic — an array, not a Map walked per member: this runs for every publish (memory) or transaction. */
  private drainTouched(touched: readonly (readonly [string, ReadonlySet<number>])[]): void {
    for (const member of this.members) {
      for (const [topicName, partitions] of touched) {
        if (!member.options.topics.includes(topicName)) continue;
        for (const partition of partitions) this.drain(member, topicName, partition);
      }
    }
  }

  private drain(member: GroupMember, topicName: string, partition: number): void {
    const id = `${topicName}/${partition}`;
    const cursor = member.cursors.get(id);
    if (cursor === undefined || cursor.draining || member.closed) return;
    cursor.draining = true;
    const delivery = this.deliver(member, topicName, partition, cursor).finally(() => {
      cursor.draining = false;
      this.deliveries.delete(delivery);
      // A publish that came while this drain was finishing found it busy: pick its messages up now.
      const log = this.topics.get(topicName)?.partitions[partition];
      if (!member.closed && log !== undefined && cursor.next < log.firstOffset + log.messages.length) {
        this.drain(member, topicName, partition);
      } else if (this.isIdle()) {
        this.notifyIdle();
      }
    });
    this.deliveries.add(delivery);
  }

  private async deliver(member: GroupMember, topicName: string, partition: number, cursor: Cursor): Promise<void> {
    const log = this.requireTopic(topicName).partitions[partition];
    const id = `${topicName}/${partition}`;
    const offsets = this.committedOffsets(member.options.groupId);
    const durable = this.store !== undefined && member.options.commitOffsets !== false;
    const offsetId = `${member.options.groupId}\u0000${id}`;
    // Yield first so publish() returns before handlers run, as with a real broker.
    await Promise.resolve();
    while (!member.closed) {
      if (cursor.next < log.firstOffset) cursor.next = log.firstOffset;
      const message = log.messages[cursor.next - log.firstOffset];
      if (message === undefined) break;
      try {
        const handled = member.options.onMessage(message);
        // Only a handler that returned a promise is awaited: awaiting the others cost a microtask per
        // message and subscriber for nothing, and kept them from being handed over in one run.
        if (typeof (handled as PromiseLike<void> | undefined)?.then === 'function') await handled;
      } catch (err) {
        // A consumer that throws must not stop the partition for everyone: log and move on.
        this.logger.error(`consumer group ${member.options.groupId} failed on ${topicName}/${partition}@${message.offset}: ${String(err)}`);
      }
      cursor.next = Number(message.offset) + 1;
      offsets.set(id, cursor.next);
      // This runs right after the handler returned (or on the microtask after
      // it resolved), before the setImmediate flush: the offset joins the
      // pending batch that holds what the handler published without awaiting,
      // so both commit in one transaction. A restart then neither redoes nor
      // loses this message.
      if (durable && !this.closed) {
        const pending = this.batching.pending.offsets;
        const offset = pending.get(offsetId);
        if (offset === undefined) pending.set(offsetId, { groupId: member.options.groupId, topic: topicName, partition, next: cursor.next });
        else offset.next = cursor.next;
        this.scheduleFlush();
      }
    }
  }

  /** Appends a message now (memory) and applies retention; trimmed partitions are noted in `trims` for the database. */
  private append(
    topic: TopicLog,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    decoded: object | undefined,
    trims?: Map<string, TrimNote>,
  ): BusMessage {
    const message: PendingMessage = { topic: topic.spec.name, partition, offset: '', key, value, timestamp, decoded };
    this.appendMessage(topic, partition, message, trims);
    return message;
  }

  /** Gives a message of `partition` its offset and appends it (see append). */
  private appendMessage(topic: TopicLog, partition: number, message: PendingMessage, trims?: Map<string, TrimNote>): void {
    const log = topic.partitions[partition];
    message.offset = String(log.firstOffset + log.onDisk + log.messages.length);
    // On disk only: written by this transaction, trimmed after it (trimResting).
    if (topic.resting) {
      log.onDisk += 1;
      return;
    }
    log.messages.push(message);
    if (log.messages.length > this.retainPerPartition) this.enforceRetention(topic, partition, log, trims);
  }

  private enforceRetention(topic: TopicLog, partition: number, log: PartitionLog, trims?: Map<string, TrimNote>): void {
    const dropCount = Math.ceil(this.retainPerPartition / 10);
    const dropped = log.messages.splice(0, dropCount);
    log.firstOffset += dropped.length;
    const id = `${topic.spec.name}/${partition}`;
    let note = trims?.get(id);
    if (trims !== undefined && note === undefined) {
      note = { topic, partition, keys: new Set() };
      trims.set(id, note);
    }
    if (topic.compacted === undefined) return;
    // Like Kafka's log cleaner: what is trimmed survives as the newest value of its key, and a tombstone removes the key.
    for (const message of dropped) {
      const key = compactionKey(message.key);
      const newer = topic.compacted.get(key);
      if (newer !== undefined && Number(newer.offset) >= Number(message.offset)) continue;
      if (message.value === null) topic.compacted.delete(key);
      else topic.compacted.set(key, message);
      note?.keys.add(key);
    }
  }

  /**
   * Retention of the resting partitions a written batch grew past the bound, as enforceRetention does in
   * memory: the oldest tenth goes, read back from the database to find the newest message of each key
   * (the survivors). In a transaction of its own after the batch: retention does not change what is read.
   */
  private trimResting(store: EmbeddedLogStore, batch: PendingBatch): void {
    const trims: Trim[] = [];
    const moved: Array<{ log: PartitionLog; firstOffset: number; dropped: number }> = [];
    for (const { topic, partition } of batch.runs.values()) {
      const log = topic.partitions[partition];
      let firstOffset = log.firstOffset;
      let onDisk = log.onDisk;
      while (topic.resting && onDisk > this.retainPerPartition) {
        const dropCount = Math.ceil(this.retainPerPartition / 10);
        const newest = new Map<string, BusMessage>();
        for (const message of store.readRange(topic.spec.name, partition, firstOffset, firstOffset + dropCount))
          newest.set(compactionKey(message.key), message);
        firstOffset += dropCount;
        onDisk -= dropCount;
        const survivors = [...newest.values()].filter((m) => m.value !== null);
        const deletedKeys = [...newest].filter(([, m]) => m.value === null).map(([key]) => key);
        trims.push({ topic: topic.spec.name, partition, firstOffset, survivors, deletedKeys });
      }
      if (firstOffset !== log.firstOffset) moved.push({ log, firstOffset, dropped: firstOffset - log.firstOffset });
    }
    if (trims.length === 0) return;
    store.writeBatch({ segments: [], offsets: [], trims });
    // Memory follows the database once it is written.
    for (const { log, firstOffset, dropped } of moved) {
      log.firstOffset = firstOffset;
      log.onDisk -= dropped;
    }
  }

  /** A compacted topic nobody reads goes to disk only (everything in memory is written): its messages and survivors leave memory. */
  private rest(topic: TopicLog): void {
    for (const log of topic.partitions) {
      log.onDisk += log.messages.length;
      log.messages = [];
    }
    topic.compacted?.clear();
    topic.resting = true;
  }

  /** A resting topic that a member subscribes to: loaded from the database, and kept in memory from now on. */
  private wake(topic: TopicLog): void {
    if (this.store === undefined) throw new Error(`topic "${topic.spec.name}" rests without a database`);
    const stored = this.store.readTopic(topic.spec.name);
    // Every partition checked before any is loaded: a topic is loaded whole or stays at rest.
    topic.partitions.forEach((log, partition) => {
      const found = stored.partitions[partition];
      const end = log.firstOffset + log.onDisk;
      if (found === undefined || found.firstOffset !== log.firstOffset || found.firstOffset + found.messages.length !== end) {
        throw new EmbeddedBusStorageError(
          this.store?.file ?? '',
          new Error(`topic "${topic.spec.name}" partition ${partition} holds other offsets than the bus wrote (${log.firstOffset} to ${end})`),
        );
      }
    });
    topic.partitions.forEach((log, partition) => {
      log.messages = stored.partitions[partition].messages;
      log.onDisk = 0;
    });
    topic.compacted = new Map(stored.compacted.map((m) => [compactionKey(m.key), m]));
    topic.resting = false;
  }

  /** The database side of the trims noted by enforceRetention: the partition's new start and the changed survivors. */
  private toTrims(notes: Map<string, TrimNote>): Trim[] {
    return [...notes.values()].map(({ topic, partition, keys }) => {
      const survivors: BusMessage[] = [];
      const deletedKeys: string[] = [];
      for (const key of keys) {
        const survivor = topic.compacted?.get(key);
        if (survivor === undefined) deletedKeys.push(key);
        else survivors.push(survivor);
      }
      return { topic: topic.spec.name, partition, firstOffset: topic.partitions[partition].firstOffset, survivors, deletedKeys };
    });
  }

  /** A topic loaded from the database meets the spec the server asks for: same partitions, or stop. */
  private reconcileStoredTopic(topic: TopicLog, spec: TopicSpec, store: EmbeddedLogStore): void {
    if (topic.spec.partitions !== spec.partitions) {
      throw new Error(
        `topic "${spec.name}" has ${topic.spec.partitions} partitions in ${store.file} but the server wants ${spec.partitions}: ` +
          'delete the file (with its -wal and -shm files) to start a new game, or start the server with --fresh',
      );
    }
    if (JSON.stringify(topic.spec.config) === JSON.stringify(spec.config)) return;
    // Resting is for compacted topics only: one that is no longer compacted comes back to memory.
    if (topic.resting && !isCompacted(spec)) this.wake(topic);
    store.saveTopic(spec);
    topic.spec = spec;
    if (isCompacted(spec)) topic.compacted ??= new Map();
    else topic.compacted = undefined;
  }

  private checkPartitions(topic: TopicLog, messages: readonly OutgoingMessage[]): void {
    for (const { partition } of messages) {
      if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < topic.spec.partitions)) {
        throw new Error(`topic "${topic.spec.name}" has no partition ${partition} (it has ${topic.spec.partitions})`);
      }
    }
  }

  /**
   * The shared bytes of a message's key, for a text key that places its message (no explicit partition):
   * a trader's, which comes back with every order and answer. Explicitly placed messages (a task's
   * changelog) mostly have keys of their own (one per txnId): those are not kept.
   */
  private internedKey(outgoing: OutgoingMessage): InternedKey | undefined {
    return outgoing.partition === undefined && typeof outgoing.key === 'string' ? this.keys.of(outgoing.key) : undefined;
  }

  /** A message's partition: explicit, else its key's (remembered with an interned key), else round robin. */
  private placeMessage(topic: TopicLog, key: Buffer | null, interned: InternedKey | undefined, explicit: number | undefined): number {
    if (explicit !== undefined || interned === undefined) return this.partitionFor(topic, key, explicit);
    return topic.spec.partitions <= 1 ? 0 : this.keys.partition(interned, topic.spec.name, topic.spec.partitions);
  }

  private partitionFor(topic: TopicLog, key: Buffer | null, explicit?: number): number {
    if (explicit !== undefined) return explicit;
    return key === null ? topic.roundRobin++ % topic.spec.partitions : partitionForKey(topic.spec.name, key, topic.spec.partitions);
  }

  private isIdle(): boolean {
    if (this.deliveries.size > 0 || this.batching.pending.runs.size > 0 || this.batching.pending.atCommit.length > 0) return false;
    for (const member of this.members) {
      for (const [id, cursor] of member.cursors) {
        const [topicName, partition] = splitId(id);
        const log = this.topics.get(topicName)?.partitions[partition];
        if (log !== undefined && cursor.next < log.firstOffset + log.messages.length) return false;
      }
    }
    return true;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  private committedOffsets(groupId: string): Map<string, number> {
    let offsets = this.committed.get(groupId);
    if (offsets === undefined) {
      offsets = new Map();
      this.committed.set(groupId, offsets);
    }
    return offsets;
  }

  private requireTopic(name: string): TopicLog {
    const topic = this.topics.get(name);
    if (topic === undefined) throw new Error(`unknown topic "${name}" (create it with ensureTopics first)`);
    return topic;
  }
}

/** Promise.withResolvers is Node 22. */
function withResolvers(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function isCompacted(spec: TopicSpec): boolean {
  return spec.config['cleanup.policy'] === 'compact';
}

function splitId(id: string): [string, number] {
  const slash = id.lastIndexOf('/');
  return [id.slice(0, slash), Number(id.slice(slash + 1))];
}
