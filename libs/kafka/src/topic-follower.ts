/**
 * Reads every topic whose name matches, those created later included (the
 * room's `live-NAME-…` topics appear as participants go live). kafkajs'
 * regex subscription only sees the topics that exist when it subscribes, so
 * the topic list is read again every `refreshMs`; a new match restarts the
 * consumer, in the same group, subscribed to them all. The group commits
 * (kafkajs' auto-commit), so a restart resumes where it was, and a new
 * topic is read from its beginning: its first records are not missed.
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { waitForGroupJoin } from './group-join.js';

export interface FollowedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

export interface TopicFollowerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Whether a topic is followed, by its name. */
  readonly matches: (topic: string) => boolean;
  /** How often the topic list is read for new matches, in ms; default 5 s. */
  readonly refreshMs?: number;
  /** Each record; a throw is reported to onError and the record skipped, never delivered again. */
  readonly onMessage: (message: FollowedMessage) => void;
  /** A failed refresh (retried at the next one) or a throwing onMessage. */
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_FOLLOW_REFRESH_MS = 5_000;

export class TopicFollower {
  private readonly admin: Admin;
  private readonly topics = new Set<string>();
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The refresh in progress: a tick that finds one running skips, and close() waits for it. */
  private refreshing: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly options: TopicFollowerOptions) {
    this.admin = options.kafka.admin();
  }

  /** Resolves once the topics that match now are followed (their consumer joined its group). */
  static async start(options: TopicFollowerOptions): Promise<TopicFollower> {
    const follower = new TopicFollower(options);
    try {
      await follower.admin.connect();
      await follower.refresh();
    } catch (error) {
      await follower.close();
      throw error;
    }
    follower.timer = setInterval(() => follower.tick(), options.refreshMs ?? DEFAULT_FOLLOW_REFRESH_MS);
    return follower;
  }

  /** The topics followed now. */
  get followed(): readonly string[] {
    return [...this.topics];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }

  private tick(): void {
    if (this.refreshing !== undefined || this.closed) return;
    this.refreshing = this.refresh()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  private async refresh(): Promise<void> {
    const names = await this.admin.listTopics();
    const fresh = names.filter((name) => !this.topics.has(name) && this.options.matches(name));
    if (fresh.length === 0 || this.closed) return;
    for (const name of fresh) this.topics.add(name);
    await this.restartConsumer();
  }

  /** kafkajs subscribes only before run(): a new topic takes a new consumer (the same group, so the offsets carry over). */
  private async restartConsumer(): Promise<void> {
    const { kafka, groupId, onMessage, onError } = this.options;
    const previous = this.consumer;
    this.consumer = undefined;
    try {
      await previous?.disconnect();
    } catch (error) {
      // Followed again, the new names among them, at the next refresh.
      this.topics.clear();
      throw error;
    }
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer after a retriable failure; after any other, the next refresh starts a new one.
      if (payload.restart || this.consumer !== consumer) return;
      this.consumer = undefined;
      this.topics.clear();
      void consumer.disconnect().catch(() => undefined);
      onError?.(payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
      const joined = waitForGroupJoin(consumer, groupId);
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          try {
            onMessage({ topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: Number(message.timestamp) });
          } catch (error) {
            // Someone else's record must not stop the following: it is skipped, and said.
            onError?.(error);
          }
        },
      });
      await joined;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      // Followed again at the next refresh.
      this.topics.clear();
      throw error;
    }
    if (this.closed) await consumer.disconnect().catch(() => undefined);
    else this.consumer = consumer;
  }
}
