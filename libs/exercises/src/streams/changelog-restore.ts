import { readToEnd, type Admin, type Kafka } from '@banana-market/kafka';

/**
 * Reads changelog topics from the beginning to their current end offsets,
 * handing every record to apply, before the app consumes any input. A record
 * without a key cannot belong to a store and is skipped.
 */
export async function restoreChangelogs(
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  apply: (topic: string, key: Buffer, value: Buffer | null) => void,
  timeoutMs: number,
): Promise<void> {
  const consumed = await readToEnd(kafka, admin, topics, { groupIdPrefix: 'banana-streams-restore', timeoutMs });
  for (const { topic, message } of consumed) {
    if (message.key !== null) apply(topic, message.key, message.value);
  }
}
