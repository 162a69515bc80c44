import type { TopicSpec } from '@banana-market/kafka';

/**
 * The topics a streams app needs: its sources and sinks as the broker makes
 * topics by default (any partition count will do), and its changelogs
 * compacted with one partition, since a single task restores each store.
 */
export function topicsOfApp(plain: readonly string[], changelogs: readonly string[]): TopicSpec[] {
  return [...plain.map((name) => ({ name })), ...changelogs.map((name) => ({ name, partitions: 1, config: { 'cleanup.policy': 'compact' } }))];
}
