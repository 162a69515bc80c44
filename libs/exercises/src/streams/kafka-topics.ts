import type { Admin, TopicSpec } from '@banana-market/kafka';
import type { RepartitionTopicSpec } from './topology.js';

/**
 * The topics a streams app needs: its sources and sinks as the broker makes
 * topics by default (any partition count will do), and its changelogs
 * compacted with one partition, since a single task restores each store.
 */
export function topicsOfApp(plain: readonly string[], changelogs: readonly string[]): TopicSpec[] {
  return [...plain.map((name) => ({ name })), ...changelogs.map((name) => ({ name, partitions: 1, config: { 'cleanup.policy': 'compact' } }))];
}

/**
 * The app's repartition topics, `<applicationId>-<name>`, as Kafka Streams
 * creates them: with the partition count `Repartitioned` asked for, else as
 * many partitions as its source topics have at most (so that no source
 * partition's keys crowd into fewer), and an unlimited retention (Kafka's
 * repartition topic config): records keep their event time, which may be
 * older than any retention, and are only read once.
 */
export async function repartitionTopicsOfApp(
  admin: Admin,
  applicationId: string,
  sourceTopics: readonly string[],
  specs: readonly RepartitionTopicSpec[],
): Promise<TopicSpec[]> {
  if (specs.length === 0) return [];
  const { topics } = await admin.fetchTopicMetadata({ topics: [...sourceTopics] });
  const maxPartitions = Math.max(1, ...topics.map((topic) => topic.partitions.length));
  return specs.map((spec) => ({
    name: `${applicationId}-${spec.name}`,
    partitions: spec.partitions ?? maxPartitions,
    config: { 'retention.ms': '-1' },
  }));
}
