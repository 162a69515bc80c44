import { randomUUID } from 'node:crypto';
import type { BusMessage, MessageBus, SubscribeOptions, Subscription } from '../bus/message-bus.js';

/**
 * Reads a topic to its end, then follows it, handing each message to `apply`
 * once, in order per partition.
 *
 * `load()` reads what the topic holds (readTopic: on Kafka up to its end
 * offsets, on the embedded bus including the compacted survivors a
 * subscription would not see); `follow()` then subscribes from the beginning
 * with a group of its own that commits nothing, and skips what was already
 * applied (offsets at or below the highest one applied in the partition).
 * Nothing published between the read and the subscription is lost, nothing
 * is applied twice or out of order, and a consumer the Kafka bus restarts
 * after an outage (it starts over: nothing committed) only skips ahead.
 */
export class TopicFollower {
  /** Partition → highest offset applied. */
  private readonly applied = new Map<number, bigint>();
  private subscription?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly topic: string,
    private readonly groupIdPrefix: string,
    private readonly apply: (message: BusMessage) => void,
    private readonly options: Pick<SubscribeOptions, 'bulkReadDelayMs' | 'ownWritesFromCommits'> = {},
  ) {}

  /**
   * Reads everything the topic holds now; `reset` runs (synchronously) just
   * before it is applied, e.g. to drop what a previous load left.
   */
  async load(reset?: () => void): Promise<void> {
    const messages = await this.bus.readTopic(this.topic);
    reset?.();
    this.applied.clear();
    for (const message of messages) {
      const offset = BigInt(message.offset);
      const last = this.applied.get(message.partition);
      if (last === undefined || offset > last) this.applied.set(message.partition, offset);
      this.apply(message);
    }
  }

  /** Starts following; resolves once subscribed (on Kafka: the consumer joined its group). */
  async follow(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: `${this.groupIdPrefix}-${randomUUID()}`,
      topics: [this.topic],
      fromBeginning: true,
      commitOffsets: false,
      bulkReadDelayMs: this.options.bulkReadDelayMs,
      ownWritesFromCommits: this.options.ownWritesFromCommits,
      onMessage: (message) => this.deliver(message),
    });
  }

  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  private deliver(message: BusMessage): void {
    const offset = BigInt(message.offset);
    const last = this.applied.get(message.partition);
    if (last !== undefined && offset <= last) return;
    this.applied.set(message.partition, offset);
    this.apply(message);
  }
}
