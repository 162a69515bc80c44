/**
 * The one interface the server talks to, embedded or Kafka. Semantics are the
 * subset of Kafka the game relies on: named topics with partitions, the
 * partition chosen from the key by Kafka's default partitioner, order kept per
 * partition, offsets, and consumer groups that remember where they are.
 */
import { BROKER_UNAVAILABLE, type TopicSpec } from '@banana-market/protocol';

export type BusKind = 'embedded' | 'kafka';

export interface OutgoingMessage {
  readonly key: string | Uint8Array | null;
  readonly value: string | Uint8Array | null;
}

export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string, as Kafka clients report it. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
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
  /** False for groups that only watch (live feeds): they start from the newest message every time. Default true. */
  readonly commitOffsets?: boolean;
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
  /** Every message currently retained in a topic, oldest first (used to rebuild state on start). */
  readTopic(topic: string): Promise<BusMessage[]>;
  close(): Promise<void>;
  /** Optional: a bus without it (the embedded one) is always healthy. */
  health?(): BusHealth;
  /** Calls `listener` on every change of health; returns the unsubscribe function. */
  onHealthChange?(listener: (health: BusHealth) => void): () => void;
  /**
   * Hooks run, in registration order and awaited, after the bus reconnected and re-initialised its
   * transactional producer and BEFORE any consumer resumes: rebuild in-memory state from the changelogs here.
   */
  onRecovery?(hook: () => Promise<void>): () => void;
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
