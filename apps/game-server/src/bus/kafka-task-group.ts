/**
 * One task group on Kafka, Kafka Streams' exactly_once_v2: the group's
 * co-partitioned topics are dealt to the members by partition number, task p
 * being partition p of every topic, and everything a member's tasks write goes
 * through the member's ONE transactional producer with the offsets they
 * consumed, committed under the member's group generation (KIP-447,
 * @banana-market/kafka/exactly-once). A member that lost a task without
 * knowing it is fenced by the group coordinator: its transaction aborts.
 *
 * Taking a task: the member's transactions are initialized first (one it
 * left open when the broker went away is aborted); the group's committed
 * offsets of its partitions are read with require_stable — the broker answers
 * only once the previous owner's last transaction is decided — and the task's
 * changelog partitions must be settled (no commit marker still on its way);
 * then onAssigned restores the task's state, and only then are its messages
 * handed over (they wait meanwhile; heartbeats go on by themselves). Below
 * the committed offset a message was answered already and is skipped.
 *
 * A transaction that fails because of the group (a rebalance, a fenced
 * member) leaves the tasks it held ahead of Kafka in memory: like Kafka
 * Streams on TaskMigratedException, the member then drops every task, leaves
 * and rejoins, and takes its tasks afresh from the changelogs. Anything else
 * failing is the broker's absence (the bus degrades and recovers).
 */
import type { Logger } from '@nestjs/common';
import { brokerErrorText, FETCH_MAX_WAIT_MS, withinTime, type Admin as KafkajsAdmin, type SaslCredentials } from '@banana-market/kafka';
import {
  brokerErrorIds,
  ExactlyOnceWriter,
  FetchIsolationLevels,
  initTransactions,
  memberClients,
  memberTransactionalId,
  memberProducer,
  settledTransactions,
  stableCommittedOffsets,
  stuckTransactions,
  TakeFailedError,
  type Admin,
  type Consumer,
  type CommittedRecord,
  type HangingPartition,
  type MemberClientOptions,
  type OwnedMessage,
  type PlatformaticMessage,
  type Producer,
} from '@banana-market/kafka/exactly-once';
import { TaskLostError, type BusMessage, type OutgoingMessage, type TaskGroupOptions, type TaskStatus } from './message-bus.js';
import { KafkaTask } from './kafka-task.js';
import { PhaseTimer } from './phase-timer.js';

/** What a task group needs of its bus. */
export interface TaskGroupHost {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The server's identity kept across restarts (undefined: a random one per task group). */
  readonly processId?: string;
  /** Credentials on a secured broker. */
  readonly sasl?: SaslCredentials;
  /** The messages as the writer takes them (bytes, and the server's signature header). */
  outgoing(topic: string, messages: readonly OutgoingMessage[]): OwnedMessage[];
  readonly logger: Logger;
  /** The bus' current (kafkajs) admin client, for the lag (replaced on recovery). */
  admin(): KafkajsAdmin;
  /** A failure that means the broker went away (the bus degrades and recovers). */
  brokerLost(error: unknown): void;
  /** What the bus cannot recover from. */
  fail(error: Error): void;
  /** A transaction of the member committed: its records, where the broker put them; `ownsTask` says whether a task is still this member's. */
  committed(records: readonly CommittedRecord[], ownsTask: (task: number) => boolean): void;
  /** Tasks this member no longer holds. */
  tasksLeft(partitions: readonly number[]): void;
}

/** A member leaves the group within this when its process dies (SIGKILL): its tasks move within ≈ 6–10 s. */
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const REBALANCE_TIMEOUT_MS = 20_000;
const JOIN_TIMEOUT_MS = 30_000;
/** How long a new owner waits for the old owner's last transaction (a dead one's aborts on its timeout, ≈ 5 s + the broker's sweep). */
const STABLE_OFFSETS_TIMEOUT_MS = 60_000;
/** How long a new owner waits for commit markers still on their way to its changelogs (a zombie's open transaction: its timeout and the sweep). */
const SETTLE_TIMEOUT_MS = 20_000;
/** A partition whose undecided transaction does not move for this long may hold this member's own, hanging (endHanging). */
const STUCK_AFTER_MS = 1_000;
const STOP_TIMEOUT_MS = 3_000;
/** A member start still going after this says every so often what it waits for. */
const SLOW_START_LOG_MS = 5_000;
/** taskStatus() asks the broker for high watermarks at most this often. */
const WATERMARK_CACHE_MS = 1_000;
/** Fetched messages waiting to be handled beyond this pause the fetching (a task restoring holds them). */
const MAX_QUEUED = 20_000;
/** Errors of a transaction that mean the group moved on: the member's tasks are migrated, not the broker gone. */
const GROUP_FENCING = new Set([
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
]);

/** One joined membership: its clients, and the stream of its fetched messages. */
interface Membership {
  readonly consumer: Consumer;
  readonly admin: Admin;
  stream: { pause(): void; resume(): void; close(): Promise<void> } | undefined;
}

export class KafkaTaskGroup {
  private membership: Membership | undefined;
  private readonly tasks = new Map<number, KafkaTask>();
  /** Assignments are applied one after the other. */
  private assigning: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly clientOptions: MemberClientOptions;
  private producer: Producer;
  private readonly writer: ExactlyOnceWriter;
  /** Fetched messages in order, handled one after the other (a task restoring makes them wait). */
  private readonly queue: PlatformaticMessage[] = [];
  private queueHead = 0;
  private draining = false;
  private rejoining = false;
  private watermarks: { at: number; byTopic: Promise<Map<string, Map<number, { high: bigint; low: bigint }>>> } | undefined;

  constructor(
    private readonly host: TaskGroupHost,
    readonly options: TaskGroupOptions,
  ) {
    // One per member, kept across its recoveries and (with the server's process id) its restarts: a new producer
    // with it aborts the old one's open transaction.
    const memberId = memberTransactionalId(options.groupId, host.processId);
    this.clientOptions = {
      brokers: host.brokers,
      clientId: `${host.clientId}-${options.groupId}`,
      groupId: options.groupId,
      transactionalId: memberId,
      // The same member after an outage or a restart: it takes its old place in the group without waiting out its session.
      groupInstanceId: memberId,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
      maxWaitMs: FETCH_MAX_WAIT_MS,
      sasl: host.sasl,
    };
    this.producer = memberProducer(this.clientOptions);
    this.writer = new ExactlyOnceWriter(this.producer, {
      groupMember: () => this.membership?.consumer,
      logger: host.logger,
      onFailure: (error, owners) => this.commitFailed(error, owners),
      // -1 for a task no longer held: refused, as it must be.
      generationOf: (owner) => this.tasks.get(owner)?.generation ?? -1,
      onCommitted: (records) => host.committed(records, this.ownsTask),
    });
  }

  /** Whether task `partition` is this member's and running (made once: every commit asks it). */
  private readonly ownsTask = (partition: number): boolean => this.tasks.get(partition)?.state === 'ready';

  get isClosed(): boolean {
    return this.closed;
  }

  /** Joins the group; resolves once the first assignment's onAssigned has run. */
  async start(): Promise<void> {
    const phases = new PhaseTimer();
    // A start that hangs says where (each step has its own time limit, longer than a coach waits without a word).
    const slow = setInterval(
      () => this.host.logger.warn(`${this.options.groupId}: still ${phases.current} (${phases.elapsedSeconds()} s)`),
      SLOW_START_LOG_MS,
    );
    try {
      await this.startMember(phases);
    } finally {
      clearInterval(slow);
    }
  }

  private async startMember(phases: PhaseTimer): Promise<void> {
    phases.begin('replacing the producer');
    const { consumer, admin } = memberClients(this.clientOptions);
    const membership: Membership = { consumer, admin, stream: undefined };
    this.membership = membership;
    if (this.writer.suspended) {
      // After a loss: a new producer with the member's transactional id fences the old one and aborts its open transaction.
      await withinTime(this.producer.close(true), STOP_TIMEOUT_MS);
      this.producer = memberProducer(this.clientOptions);
      await this.writer.resume(this.producer);
    }
    // Before joining: a transaction this member's id left open (a broker outage cut it) is aborted now.
    phases.begin('initializing transactions');
    await withinTimeOrThrow(initTransactions(this.producer), JOIN_TIMEOUT_MS, `initializing the transactions of ${this.options.groupId}`);
    phases.begin('looking for hanging transactions');
    await withinTimeOrThrow(this.endHanging(admin), JOIN_TIMEOUT_MS, `checking the game's topics for transactions left hanging`);
    phases.begin('joining the group');
    let firstJoin: (() => void) | undefined;
    const joined = new Promise<void>((resolve) => (firstJoin = resolve));
    consumer.on('consumer:group:join', (payload) => {
      if (this.membership !== membership) return;
      const partitions = new Set<number>();
      for (const a of payload.assignments ?? []) if (this.options.topics.includes(a.topic)) for (const p of a.partitions) partitions.add(p);
      this.assign(partitions, payload.generationId ?? -1);
      firstJoin?.();
      firstJoin = undefined;
    });
    consumer.on('error', (error: unknown) => this.memberFailed(membership, error));
    const stream = await withinTimeOrThrow(
      consumer.consume({
        topics: [...this.options.topics],
        mode: 'committed',
        // Without a committed offset a task starts at the oldest message: what was sent before any server ran is answered.
        fallbackMode: 'earliest',
        autocommit: false,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxWaitTime: FETCH_MAX_WAIT_MS,
      }),
      JOIN_TIMEOUT_MS,
      `joining ${this.options.groupId}`,
    );
    membership.stream = stream;
    phases.begin('waiting for the first assignment');
    stream.on('data', (message: PlatformaticMessage) => this.enqueue(membership, message));
    stream.on('error', (error: unknown) => this.memberFailed(membership, error));
    await withinTimeOrThrow(joined, JOIN_TIMEOUT_MS, `the first assignment of ${this.options.groupId}`);
    phases.begin('taking the tasks');
    await this.assigning;
    phases.end();
    this.host.logger.log(`${this.options.groupId}: member started (${phases})`);
  }

  /**
   * A broker SIGKILLed while this member committed can come back with partitions holding one of the
   * member's transactions that its coordinator no longer lists (its initialization ended nothing
   * there): no marker would reach them, read_committed readers stop there, and the member's next commit
   * on such a partition would commit those records too. Any of the game's partitions still undecided
   * after the initialization and not moving is ended under this member's producer id (endHanging):
   * committed where the broker had acknowledged that transaction's commit (it lost it), else aborted;
   * another producer's transaction is left to its own end.
   */
  private async endHanging(admin: Admin): Promise<void> {
    const stuck = await stuckTransactions(admin, this.options.outputTopics ?? [], STUCK_AFTER_MS);
    // Always with the group's offsets (a few ms): offsets left pending hold back taking any task, and show on no partition.
    const outcome = await this.writer.endHanging(stuck, this.options.groupId);
    const named = (partitions: readonly HangingPartition[]) => partitions.map((p) => `${p.topic}/${p.partition}@${p.since}`).join(', ');
    if (outcome.committed.length > 0) {
      this.host.logger.warn(
        `${this.options.groupId}: the broker lost the commit it acknowledged of this member's transaction on ${named(outcome.committed)}: committed it again (group offsets ${outcome.groupOffsets})`,
      );
    }
    if (outcome.aborted.length > 0) {
      this.host.logger.warn(
        `${this.options.groupId}: a transaction is undecided on ${named(outcome.aborted)}: aborted this member's own there, if any`,
      );
    }
  }

  /** The broker went away: every task is lost now (onRevoked), nothing of them commits. Synchronous. */
  loseAll(error: Error): void {
    this.writer.suspend(error);
    const lost = [...this.tasks.values()];
    this.tasks.clear();
    for (const task of lost) task.lose(error);
    const announced = lost.filter((t) => t.announced).map((t) => t.partition);
    if (announced.length > 0) this.revoked(announced);
  }

  /** Stops the consumer (kept for a restart with start()). */
  async stopConsumer(): Promise<void> {
    const membership = this.membership;
    this.membership = undefined;
    this.queue.length = 0;
    this.queueHead = 0;
    if (membership === undefined) return;
    await withinTime(membership.stream?.close() ?? Promise.resolve(), STOP_TIMEOUT_MS);
    await withinTime(membership.consumer.close(true), STOP_TIMEOUT_MS);
    await withinTime(membership.admin.close(), STOP_TIMEOUT_MS);
  }

  /** Leaves the group: the consumer stops, the tasks commit what they queued, then onRevoked. */
  async close(): Promise<void> {
    this.closed = true;
    await withinTime(this.assigning, STOP_TIMEOUT_MS);
    this.membership?.stream?.pause();
    // The last transaction commits while the tasks are still held: their offsets go under the generation that assigned them.
    await withinTime(this.writer.close(), STOP_TIMEOUT_MS);
    const held = [...this.tasks.values()];
    this.tasks.clear();
    await this.stopConsumer();
    await withinTime(this.producer.close(), STOP_TIMEOUT_MS);
    for (const task of held) task.lose(new TaskLostError(`task ${task.partition} of ${this.options.groupId} stopped`));
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

  private enqueue(membership: Membership, message: PlatformaticMessage): void {
    if (this.membership !== membership) return;
    this.queue.push(message);
    if (this.queue.length - this.queueHead > MAX_QUEUED) membership.stream?.pause();
    if (!this.draining) void this.drain(membership);
  }

  /** Handles the queue in order; only a task still restoring (or an asynchronous handler) makes it wait. */
  private async drain(membership: Membership): Promise<void> {
    this.draining = true;
    try {
      while (this.queueHead < this.queue.length && this.membership === membership) {
        const message = this.queue[this.queueHead++];
        const waiting = this.handle(message);
        if (waiting !== undefined) await waiting;
      }
    } finally {
      this.draining = false;
      if (this.membership === membership) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
        membership.stream?.resume();
      }
    }
  }

  /** One message: undefined when handled synchronously, else what to wait for. */
  private handle(message: PlatformaticMessage): Promise<void> | undefined {
    if (this.closed) return undefined; // closing: what was not handled is the next owner's
    const { topic, partition } = message;
    const task = this.tasks.get(partition);
    if (task?.state === 'preparing') return task.ready.then(() => this.handle(message));
    if (task === undefined || task.state !== 'ready') return undefined; // not this member's task (any more): dropped
    const offset = message.offset;
    // Below the committed offset: answered by the previous owner. Below the position: handled by this task already
    // (the client starts a kept partition over from the committed offset after a rebalance).
    const floor = maxOf(task.committed.get(topic), task.position.get(topic));
    if (floor !== undefined && offset < floor) return undefined;
    task.position.set(topic, offset + 1n);
    let handled: void | Promise<void>;
    try {
      handled = this.options.onMessage(toBusMessage(message), task);
    } catch (err) {
      this.handlerFailed(task, message, err);
      handled = undefined;
    }
    if (handled === undefined) {
      this.consumed(task, topic, partition, offset);
      return undefined;
    }
    return handled.then(
      () => this.consumed(task, topic, partition, offset),
      (err: unknown) => {
        this.handlerFailed(task, message, err);
        this.consumed(task, topic, partition, offset);
      },
    );
  }

  private consumed(task: KafkaTask, topic: string, partition: number, offset: bigint): void {
    if (task.state === 'ready') this.writer.markConsumed(task.partition, topic, partition, offset + 1n);
  }

  private handlerFailed(task: KafkaTask, message: PlatformaticMessage, err: unknown): void {
    this.host.logger.error(
      `task ${task.partition} of ${this.options.groupId} failed on ${message.topic}/${message.partition}@${message.offset}: ${String(err)}`,
    );
  }

  /** A new assignment (group join): diffed with the tasks held, synchronously; taking the new ones is queued. */
  private assign(partitions: ReadonlySet<number>, generation: number): void {
    const revoked: KafkaTask[] = [];
    for (const [p, task] of this.tasks) {
      if (partitions.has(p) && task.state !== 'lost') {
        task.generation = generation;
        continue;
      }
      this.tasks.delete(p);
      revoked.push(task);
    }
    for (const task of revoked) task.lose(new TaskLostError(`task ${task.partition} of ${this.options.groupId} was moved to another member`));
    const announced = revoked.filter((t) => t.announced).map((t) => t.partition);
    if (announced.length > 0) this.revoked(announced);
    const added: KafkaTask[] = [];
    for (const p of [...partitions].sort((a, b) => a - b)) {
      if (this.tasks.has(p)) continue;
      const task = new KafkaTask(this.options.groupId, p, this.writer, this.host.outgoing);
      task.generation = generation;
      this.tasks.set(p, task);
      added.push(task);
    }
    const membership = this.membership;
    if (added.length === 0) return;
    this.assigning = this.assigning.then(() => this.take(added, membership));
  }

  /** New tasks: the group's committed offsets once stable, then onAssigned. */
  private async take(added: KafkaTask[], membership: Membership | undefined): Promise<void> {
    const { groupId, topics } = this.options;
    const started = Date.now();
    try {
      if (membership === undefined || this.membership !== membership) throw new TaskLostError('the member stopped before taking its tasks');
      const partitions = added.map((t) => t.partition);
      const committed = await stableCommittedOffsets(membership.admin, groupId, topics, partitions, STABLE_OFFSETS_TIMEOUT_MS);
      // The changelogs the tasks restore from: a transaction committed with those offsets may still have its
      // commit marker on its way to them; restoring before it lands would miss what the offsets say was done.
      const unsettled = await settledTransactions(membership.admin, this.options.restoreTopics ?? [], partitions, SETTLE_TIMEOUT_MS);
      if (unsettled.length > 0) this.host.logger.warn(`${groupId}: restoring with a transaction still open on ${unsettled.join(', ')}`);
      for (const task of added)
        for (const topic of topics) {
          const offset = committed.get(topic)?.get(task.partition);
          if (offset === undefined) continue;
          task.committed.set(topic, offset);
          this.writer.seedCommitted(task.partition, topic, task.partition, offset);
        }
      const offsetsMs = Date.now() - started;
      // Lost meanwhile (the broker went away, a rebalance): never announced, so no onRevoked either.
      const live = added.filter((t) => t.state === 'preparing');
      for (const task of live) task.announced = true;
      if (live.length > 0) await this.options.onAssigned(live);
      this.host.logger.log(
        `${groupId}: took tasks ${partitions.join(',')} (stable offsets ${offsetsMs} ms, with onAssigned ${Date.now() - started} ms)`,
      );
    } catch (err) {
      for (const task of added) {
        task.lose(new TaskLostError(`task ${task.partition} of ${groupId} could not be taken: ${brokerErrorText(err)}`, { cause: err }));
        if (this.tasks.get(task.partition) === task) this.tasks.delete(task.partition);
      }
      const announced = added.filter((t) => t.announced).map((t) => t.partition);
      if (announced.length > 0) this.revoked(announced);
      // A stale assignment's failure (of a member already stopped) tells nothing about the current one.
      if (this.closed || membership === undefined || this.membership !== membership) return;
      this.memberFailed(membership, err);
      return;
    }
    for (const task of added) {
      if (task.state === 'preparing') task.state = 'ready';
      task.markReady();
    }
  }

  /** A transaction that failed: the group moved on (rejoin, tasks afresh) or the broker is gone. */
  private commitFailed(error: Error, owners: ReadonlySet<number>): void {
    if (this.closed || this.writer.suspended) return;
    if (error instanceof TakeFailedError) {
      // The server's own failure, not the broker's: the tasks restore from what committed.
      this.host.logger.error(
        `${this.options.groupId}: task ${error.owner} could not make its transaction (${error.message}): dropping every task and rejoining`,
      );
      void this.rejoin(error);
      return;
    }
    const ids = brokerErrorIds(error);
    if (ids.some((id) => GROUP_FENCING.has(id))) {
      const held = [...owners].filter((p) => this.tasks.has(p));
      this.host.logger.warn(
        `${this.options.groupId}: a transaction of tasks ${[...owners].join(',')} was refused (${ids.join(', ')}): dropping every task and rejoining`,
      );
      if (held.length > 0 || owners.size > 0) void this.rejoin(error);
      return;
    }
    this.host.brokerLost(error);
  }

  /** Every task dropped (their state is ahead of Kafka), the member leaves, and joins again: its tasks come back afresh. */
  private async rejoin(error: Error): Promise<void> {
    if (this.rejoining || this.closed) return;
    this.rejoining = true;
    try {
      this.loseAll(new TaskLostError(`the tasks of ${this.options.groupId} were migrated: ${brokerErrorText(error)}`, { cause: error }));
      await this.stopConsumer();
      await withinTime(this.assigning, STOP_TIMEOUT_MS);
      if (!this.closed) await this.start();
    } catch (err) {
      this.host.brokerLost(err);
    } finally {
      this.rejoining = false;
    }
  }

  /** The consumer or its stream failed, or tasks could not be taken: the broker's absence unless it answers. */
  private memberFailed(membership: Membership, error: unknown): void {
    if (this.closed || this.membership !== membership) return;
    this.host.logger.warn(`${this.options.groupId}: the member failed: ${brokerErrorText(error)} [${brokerErrorIds(error).join(', ')}]`);
    this.host.brokerLost(error);
  }

  private revoked(partitions: number[]): void {
    this.host.tasksLeft(partitions);
    try {
      this.options.onRevoked(partitions.sort((a, b) => a - b));
    } catch (err) {
      this.host.logger.error(`onRevoked of ${this.options.groupId} failed: ${String(err)}`);
    }
  }
}

function lagOf(
  task: KafkaTask,
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

function toBusMessage(message: PlatformaticMessage): BusMessage {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: String(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    ...(message.headers.size === 0 ? {} : { headers: new Map([...message.headers].map(([name, value]) => [name.toString(), value])) }),
  };
}

function maxOf(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

async function withinTimeOrThrow<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
