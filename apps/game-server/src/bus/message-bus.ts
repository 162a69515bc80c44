/**
 * The one interface the server talks to, embedded or Kafka. Semantics are the
 * subset of Kafka the game relies on: named topics with partitions, the
 * partition chosen from the key by Kafka's default partitioner, order kept per
 * partition, offsets, and consumer groups that remember where they are.
 */
import { BROKER_UNAVAILABLE, type TopicSpec as ProtocolTopicSpec } from '@banana-market/protocol';
import type { RecordAuthentication } from './record-authentication.js';

/** A topic as the bus creates it (what players may do with it is the broker's ACLs' business). */
export type TopicSpec = Omit<ProtocolTopicSpec, 'players'>;

export type BusKind = 'embedded' | 'kafka';

export interface OutgoingMessage {
  readonly key: string | Uint8Array | null;
  readonly value: string | Uint8Array | null;
  /** Explicit partition; default: Kafka's murmur2 of the key (as today). */
  readonly partition?: number;
  /**
   * What `value` decodes to (frozen), when the publisher has it: the embedded bus hands it to its
   * consumers with the bytes (BusMessage.decoded), so that a reader in this process need not decode
   * what this process just encoded; the Kafka bus with what a task's commit hands over (ownWritesFromCommits).
   * What Kafka's consumers fetch has none: its readers decode (and authenticate) it.
   */
  readonly decoded?: object;
}

export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string, as Kafka clients report it. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  /** The record's headers (Kafka only; absent when it has none). */
  readonly headers?: ReadonlyMap<string, Buffer>;
  /** On a topic players write (an action topic): true when the server wrote it (its signature checked; Kafka only). */
  readonly serverSigned?: boolean;
  /** OutgoingMessage.decoded as published in this process (embedded bus, or a Kafka commit handed over): what `value` decodes to. */
  readonly decoded?: object;
}

export interface SubscribeOptions {
  /** Consumers in the same group share the work and the committed offsets. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Without a committed offset: read from the oldest message instead of only new ones. */
  readonly fromBeginning?: boolean;
  /**
   * Called once per message, in order per partition. The offset is committed
   * when it resolves — on Kafka atomically with what the handler published
   * meanwhile, so a handler should publish without awaiting delivery.
   */
  readonly onMessage: (message: BusMessage) => Promise<void> | void;
  /**
   * False for groups that only watch (live feeds): they start from the newest message every time. Default true.
   * On Kafka a plain subscription's offsets are committed by the consumer itself once what the handler
   * published is acknowledged: at-least-once (exactly-once is the task groups', subscribeTasks).
   */
  readonly commitOffsets?: boolean;
  /**
   * How late this subscriber may see a message, so that it reads a busy topic in fewer, larger fetches
   * (Kafka: the fetch waits up to this long for BULK_FETCH_MIN_BYTES). For read models that are a view
   * of the game, not for answers someone waits for. Default: each message is fetched as soon as it is
   * committed. The embedded bus hands every message over at once whatever this says.
   */
  readonly bulkReadDelayMs?: number;
  /**
   * For a read model of the server's own output (commitOffsets false): what this process's tasks commit
   * to these topics is handed over at their commit, with the offsets the broker gave it, rather than
   * fetched back; the partitions of this process's tasks are not fetched while nothing else writes there
   * (looked for every second, and at every commit). Every record is still handed over once, in order per
   * partition; the handler is called synchronously (a promise it returns is not awaited). Kafka only:
   * the embedded bus hands everything over at once anyway.
   */
  readonly ownWritesFromCommits?: boolean;
}

/** Task p of a task group: partition p of every (co-partitioned) topic of the group. */
export interface TaskContext {
  readonly groupId: string;
  readonly partition: number;
  /**
   * Publishes in this task's next transaction, atomically with the offsets of the messages the task
   * consumed (Kafka: the member's transactional producer, under its group generation — exactly_once_v2;
   * embedded: the bus' batch). Successive calls keep their order. Rejects (BusUnavailableError or
   * TaskLostError) once the task is lost — nothing of a lost task commits.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Publishes in this task's next transaction the messages `take` returns when that transaction is
   * written — not now: a state store keeps a key's latest value until then and encodes only that one
   * (Kafka Streams' record cache), never the values a later one superseded. They are written after the
   * transaction's other messages: a task does not mix publish and publishAtCommit on one partition. Resolves
   * and rejects as publish. Absent (publish at once instead): the memory-only embedded bus, which has no transactions.
   */
  readonly publishAtCommit?: (topic: string, take: () => readonly OutgoingMessage[]) => Promise<void>;
}

/** A task this member no longer owns, e.g. "task 3 of banana-market-actions was fenced by another server". */
export class TaskLostError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TaskLostError';
  }
}

export interface TaskGroupOptions {
  readonly groupId: string;
  /** Co-partitioned topics (same partition count): task p reads partition p of each. */
  readonly topics: readonly string[];
  /**
   * Called (awaited) for newly assigned tasks BEFORE any of their messages is handed over; by then the
   * previous owner's last transaction of each task is complete (Kafka: the group's offsets were read with
   * require_stable) — so what the changelogs hold now is final: restore state here.
   */
  readonly onAssigned: (tasks: readonly TaskContext[]) => Promise<void>;
  /** These tasks are no longer this member's (rebalance, a transaction the group refused, broker lost, close): drop their state. */
  readonly onRevoked: (partitions: readonly number[]) => void;
  /**
   * One message of an assigned task, in partition order; its offset commits in the task's next
   * transaction together with what the handler published through task.publish (synchronously, without awaiting).
   */
  readonly onMessage: (message: BusMessage, task: TaskContext) => void | Promise<void>;
  /**
   * The changelogs onAssigned restores a task from (their partition p, or all of a topic with fewer
   * partitions). A previous owner's committed transaction may still have its markers on the way to them:
   * on Kafka a task is handed over only once no transaction is undecided on those partitions.
   */
  readonly restoreTopics?: readonly string[];
  /**
   * Every topic the tasks publish to. On Kafka a member that starts ends its own transaction left hanging
   * on them by a broker that died mid-commit (KafkaTaskGroup.endHanging).
   */
  readonly outputTopics?: readonly string[];
}

export interface TaskStatus {
  readonly groupId: string;
  readonly partition: number;
  /** Messages of the task's partitions not yet consumed (null: unknown right now). */
  readonly lag: number | null;
}

export interface ReadTopicOptions {
  /** Only these partitions (default: all). */
  readonly partitions?: readonly number[];
}

/** A watch of every topic whose name matches, those created later included (the room's live-* topics). */
export interface FollowTopicsOptions {
  /** Its own group: the follower commits, so a topic that appears later is read from its beginning. */
  readonly groupId: string;
  readonly matches: (topic: string) => boolean;
  /** How often new topics are looked for, in ms (Kafka: default 5 s). */
  readonly refreshMs?: number;
  /** Each record; a throw skips the record. */
  readonly onMessage: (message: BusMessage) => void;
}

export interface Subscription {
  close(): Promise<void>;
}

/** Whether the bus reaches its broker; `reason` says since when and why not. */
export type BusHealth = { readonly status: 'ok' } | { readonly status: 'degraded'; readonly reason: string };

/** Thrown (rejected) by publish while the bus cannot reach its broker. */
export class BusUnavailableError extends Error {
  readonly code = BROKER_UNAVAILABLE;

  /** `reason`: why, e.g. "Kafka broker unreachable at localhost:9092 since 10:42:03: …". */
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`the message broker is unavailable, the game is frozen until it returns: ${reason}`, options);
    this.name = 'BusUnavailableError';
  }
}

export interface MessageBus {
  readonly kind: BusKind;
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /**
   * Appends messages; successive calls keep their order (per partition) even
   * when not awaited. Resolves once the messages are durably on the bus.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Joins a task group (Kafka Streams' tasks, exactly-once per task); resolves once joined and the first
   * assignment's onAssigned has run.
   */
  subscribeTasks(options: TaskGroupOptions): Promise<Subscription>;
  /** The tasks this bus' members own now, with their consumer lag. */
  taskStatus(): Promise<readonly TaskStatus[]>;
  /** Every message currently retained in a topic (or some of its partitions), oldest first (used to rebuild state). */
  readTopic(topic: string, options?: ReadTopicOptions): Promise<BusMessage[]>;
  close(): Promise<void>;
  /** Optional: only a bus that players' programs write to (Kafka) has topics of theirs to follow. */
  followTopics?(options: FollowTopicsOptions): Promise<Subscription>;
  /** Optional: a bus without it (the embedded one) is always healthy. */
  health?(): BusHealth;
  /** Calls `listener` on every change of health; returns the unsubscribe function. */
  onHealthChange?(listener: (health: BusHealth) => void): () => void;
  /**
   * Hooks run, in registration order and awaited, after the bus reconnected and re-created its
   * producer and BEFORE any consumer resumes (task groups then get their tasks again through onAssigned): rebuild in-memory state from the changelogs here.
   */
  onRecovery?(hook: () => Promise<void>): () => void;
  /**
   * From now on, sign every record this bus writes with the server's secret and refuse (report, skip)
   * what it reads from a topic only the server writes without that signature. Only a bus that others can
   * write to (Kafka) has it: nothing but this process writes to the embedded bus.
   */
  authenticateRecords?(authentication: RecordAuthentication): void;
}

const HEALTHY: BusHealth = Object.freeze({ status: 'ok' });

/** The health of any bus (ok when it does not report one). */
export function busHealth(bus: MessageBus): BusHealth {
  return bus.health?.() ?? HEALTHY;
}

/** Nest injection token for the bus. */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

export function toBuffer(data: string | Uint8Array | null): Buffer | null {
  if (data === null) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}
