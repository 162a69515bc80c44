/**
 * Reads topics from their beginning to where they end right now, e.g. to
 * rebuild state on start. kafkajs only consumes in a group, so a throwaway
 * group reads them, commits nothing, and is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { retryRetriable } from './retry.js';

/** A message as kafkajs hands it to eachMessage, with where it was read. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

export interface ReadToEndOptions {
  /** The throwaway group's name is this plus a random id; default 'banana-market-read'. */
  readonly groupIdPrefix?: string;
  /** Default 60 s, for the retries right after a topic was created and again for the reading. */
  readonly timeoutMs?: number;
  /** Only these partitions of each topic (default: all); the others are skipped. */
  readonly partitions?: readonly number[];
}

/**
 * Every committed message before each partition's current end offset, once
 * each, in order per partition. The end is the last stable offset: a
 * transaction whose commit has just returned may not count yet, as the broker
 * writes its markers a moment later.
 */
export async function readToEnd(kafka: Kafka, admin: Admin, topics: readonly string[], options: ReadToEndOptions = {}): Promise<ConsumedMessage[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const unique = [...new Set(topics)];
  const ends = await endOffsets(admin, unique, timeoutMs, options.partitions);
  if (ends.size === 0) return [];
  const groupId = `${options.groupIdPrefix ?? 'banana-market-read'}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  const consumed: ConsumedMessage[] = [];
  const remaining = new Map(ends);
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await retryRetriable(() => consumer.subscribe({ topics: unique, fromBeginning: true }), timeoutMs);
    const reachedEnds = new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${unique.join(', ')} to the end took more than ${timeoutMs} ms (left: ${[...remaining.keys()].join(', ')})`)),
        timeoutMs,
      );
      // Fires for batches of data and for batches of transaction markers alike: a
      // transactional topic's end offset is a marker's, which no message reaches.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const id = `${payload.topic}/${payload.partition}`;
        const end = remaining.get(id);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) remaining.delete(id);
        if (remaining.size === 0) resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
    });
    // Nothing is committed, so a rebalance (a fresh broker's first group) starts a partition over: keep each offset once.
    const next = new Map<string, bigint>();
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const id = `${topic}/${partition}`;
        const offset = BigInt(message.offset);
        if (offset >= (ends.get(id) ?? 0n) || offset < (next.get(id) ?? 0n)) return;
        next.set(id, offset + 1n);
        consumed.push({ topic, partition, message });
      },
    });
    await reachedEnds;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return consumed;
}

/** "topic/partition" → the offset after the last record, for partitions that hold any. */
async function endOffsets(admin: Admin, topics: readonly string[], timeoutMs: number, only?: readonly number[]): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const { partition, high, low } of await retryRetriable(() => admin.fetchTopicOffsets(topic), timeoutMs)) {
      if (only !== undefined && !only.includes(partition)) continue;
      if (BigInt(high) > BigInt(low)) ends.set(`${topic}/${partition}`, BigInt(high));
    }
  }
  return ends;
}
