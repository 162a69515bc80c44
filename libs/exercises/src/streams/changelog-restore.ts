import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { retryingFor } from './kafka-topics.js';

/** Where each partition of a topic ends right now: restoring reads up to there. */
async function endOffsets(admin: Admin, topic: string, timeoutMs: number): Promise<Map<number, bigint>> {
  const ends = new Map<number, bigint>();
  for (const { partition, high, low } of await retryingFor(timeoutMs, () => admin.fetchTopicOffsets(topic))) {
    if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  }
  return ends;
}

/**
 * Reads changelog topics from the beginning to their current end offsets,
 * handing every record to apply, before the app consumes any input. kafkajs
 * only consumes in a group, so a throwaway group reads them and is deleted.
 */
export async function restoreChangelogs(
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  apply: (topic: string, key: Buffer, value: Buffer | null) => void,
  timeoutMs: number,
): Promise<void> {
  const remaining = new Map<string, bigint>();
  for (const topic of topics) {
    for (const [partition, end] of await endOffsets(admin, topic, timeoutMs)) remaining.set(`${topic}/${partition}`, end);
  }
  if (remaining.size === 0) return;
  const groupId = `banana-streams-restore-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(topics)], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`restoring the stores took more than ${timeoutMs} ms (left: ${[...remaining.keys()].join(', ')})`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const id = `${batch.topic}/${batch.partition}`;
            const end = remaining.get(id);
            for (const message of batch.messages) {
              if (end === undefined || BigInt(message.offset) >= end) break;
              if (message.key !== null) apply(batch.topic, message.key, message.value);
            }
            if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(id);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
