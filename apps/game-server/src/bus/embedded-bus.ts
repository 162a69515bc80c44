/**
 * An in-process bus with the Kafka semantics the server relies on, so that
 * `npm start` needs nothing else. Messages are retained per partition up to a
 * bound (a 3-hour game must not grow memory without limit); compacted topics
 * keep at least the newest message of every key, like Kafka's log cleaner.
 */
import { Logger } from '@nestjs/common';
import type { TopicSpec } from '@banana-market/protocol';
import { partitionForKey } from './key-partitioner.js';
import { toBuffer, type BusMessage, type MessageBus, type OutgoingMessage, type SubscribeOptions, type Subscription } from './message-bus.js';

interface PartitionLog {
  /** Offset of messages[0]. */
  firstOffset: number;
  messages: BusMessage[];
}

interface TopicLog {
  readonly spec: TopicSpec;
  readonly partitions: PartitionLog[];
  roundRobin: number;
  /** For compacted topics: the newest trimmed message of each key. */
  readonly compacted?: Map<string, BusMessage>;
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
}

export interface EmbeddedBusOptions {
  /** Messages kept per partition before the oldest are dropped. */
  readonly retainPerPartition?: number;
  /** Time source for message timestamps. */
  readonly now?: () => number;
}

export class EmbeddedBus implements MessageBus {
  readonly kind = 'embedded' as const;
  private readonly logger = new Logger('EmbeddedBus');
  private readonly topics = new Map<string, TopicLog>();
  private readonly members = new Set<GroupMember>();
  /** Committed offsets per group, so a group that re-subscribes resumes where it was. */
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly retainPerPartition: number;
  private readonly now: () => number;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: EmbeddedBusOptions = {}) {
    this.retainPerPartition = options.retainPerPartition ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.topics.has(spec.name)) continue;
      this.topics.set(spec.name, {
        spec,
        partitions: Array.from({ length: spec.partitions }, () => ({ firstOffset: 0, messages: [] })),
        roundRobin: 0,
        compacted: spec.config['cleanup.policy'] === 'compact' ? new Map() : undefined,
      });
    }
  }

  async publish(topicName: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const topic = this.requireTopic(topicName);
    const touched = new Set<number>();
    for (const outgoing of messages) {
      const key = toBuffer(outgoing.key);
      const partition = key === null ? topic.roundRobin++ % topic.spec.partitions : partitionForKey(topicName, key, topic.spec.partitions);
      const log = topic.partitions[partition];
      log.messages.push({
        topic: topicName,
        partition,
        offset: String(log.firstOffset + log.messages.length),
        key,
        value: toBuffer(outgoing.value),
        timestamp: this.now(),
      });
      this.enforceRetention(topic, log);
      touched.add(partition);
    }
    for (const member of this.members) {
      if (!member.options.topics.includes(topicName)) continue;
      for (const partition of touched) this.drain(member, topicName, partition);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    for (const name of options.topics) this.requireTopic(name);
    for (const existing of this.members) {
      if (existing.options.groupId === options.groupId) {
        throw new Error(`the embedded bus serves one consumer per group; "${options.groupId}" already has one`);
      }
    }
    const offsets = this.committedOffsets(options.groupId);
    const member: GroupMember = { options, cursors: new Map(), closed: false };
    for (const name of options.topics) {
      const topic = this.requireTopic(name);
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
        member.closed = true;
        this.members.delete(member);
      },
    };
  }

  async readTopic(topicName: string): Promise<BusMessage[]> {
    const topic = this.requireTopic(topicName);
    const retained = topic.partitions.flatMap((log) => [...log.messages]);
    if (topic.compacted === undefined) return retained;
    const liveKeys = new Set(retained.map((m) => m.key?.toString('base64') ?? ''));
    const survivors = [...topic.compacted.entries()].filter(([key]) => !liveKeys.has(key)).map(([, m]) => m);
    return [...survivors, ...retained];
  }

  /** Resolves once every subscriber has handled every message published so far (for tests). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const member of this.members) member.closed = true;
    this.members.clear();
  }

  private drain(member: GroupMember, topicName: string, partition: number): void {
    const id = `${topicName}/${partition}`;
    const cursor = member.cursors.get(id);
    if (cursor === undefined || cursor.draining || member.closed) return;
    cursor.draining = true;
    this.inFlight++;
    void this.deliver(member, topicName, partition, cursor).finally(() => {
      cursor.draining = false;
      this.inFlight--;
      // A publish that came while this drain was finishing found it busy: pick its messages up now.
      const log = this.topics.get(topicName)?.partitions[partition];
      if (!member.closed && log !== undefined && cursor.next < log.firstOffset + log.messages.length) {
        this.drain(member, topicName, partition);
      } else if (this.isIdle()) {
        this.notifyIdle();
      }
    });
  }

  private async deliver(member: GroupMember, topicName: string, partition: number, cursor: Cursor): Promise<void> {
    const log = this.requireTopic(topicName).partitions[partition];
    const offsets = this.committedOffsets(member.options.groupId);
    // Yield first so publish() returns before handlers run, as with a real broker.
    await Promise.resolve();
    while (!member.closed) {
      if (cursor.next < log.firstOffset) cursor.next = log.firstOffset;
      const message = log.messages[cursor.next - log.firstOffset];
      if (message === undefined) break;
      try {
        await member.options.onMessage(message);
      } catch (err) {
        // A consumer that throws must not stop the partition for everyone: log and move on.
        this.logger.error(`consumer group ${member.options.groupId} failed on ${topicName}/${partition}@${message.offset}: ${String(err)}`);
      }
      cursor.next = Number(message.offset) + 1;
      offsets.set(`${topicName}/${partition}`, cursor.next);
    }
  }

  private enforceRetention(topic: TopicLog, log: PartitionLog): void {
    if (log.messages.length <= this.retainPerPartition) return;
    const dropCount = Math.ceil(this.retainPerPartition / 10);
    const dropped = log.messages.splice(0, dropCount);
    log.firstOffset += dropCount;
    if (topic.compacted !== undefined) {
      // Like Kafka's log cleaner: what is trimmed survives as the newest value of its key.
      for (const message of dropped) {
        const key = message.key?.toString('base64') ?? '';
        const newer = topic.compacted.get(key);
        if (newer === undefined || Number(newer.offset) < Number(message.offset)) topic.compacted.set(key, message);
      }
    }
  }

  private isIdle(): boolean {
    if (this.inFlight > 0) return false;
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
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
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

function splitId(id: string): [string, number] {
  const slash = id.lastIndexOf('/');
  return [id.slice(0, slash), Number(id.slice(slash + 1))];
}
