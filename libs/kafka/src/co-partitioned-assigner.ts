/**
 * A partition assigner that keeps topics co-partitioned, as Kafka
 * Streams' tasks need: partition numbers 0..N−1 are dealt round-robin to the
 * members sorted by member id, and the member that gets p gets partition p of
 * EVERY subscribed topic. (A plain round-robin deals topic-partitions one
 * after the other, so with 3 members and 8 partitions per topic partition 0
 * of the second topic lands on another member than partition 0 of the first.)
 */
import type { GroupPartitionsAssigner } from './platformatic.js';

export const CO_PARTITIONED_ASSIGNER_NAME = 'BananaCoPartitioned';

/** memberId → topic → partitions: the pure part of the assigner (unit-tested). */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, Record<string, number[]>> {
  const members = [...new Set(memberIds)].sort();
  const result = new Map<string, Record<string, number[]>>(members.map((id) => [id, Object.create(null) as Record<string, number[]>]));
  if (members.length === 0) return result;
  const taskCount = Math.max(0, ...partitionsPerTopic.values());
  for (let partition = 0; partition < taskCount; partition++) {
    const assignment = result.get(members[partition % members.length]);
    if (assignment === undefined) continue;
    for (const [topic, count] of partitionsPerTopic) {
      // A topic with fewer partitions (not co-partitioned: a mistake the caller logs) gets what it has.
      if (partition >= count) continue;
      const partitions = assignment[topic] ?? [];
      partitions.push(partition);
      assignment[topic] = partitions;
    }
  }
  return result;
}

/** The assigner in @platformatic/kafka's shape (every member listed, those without a task get none). */
export const coPartitionedGroupAssigner: GroupPartitionsAssigner = (_current, members, topics, metadata) => {
  const counts = new Map([...topics].map((topic) => [topic, metadata.topics.get(topic)?.partitionsCount ?? 0]));
  const assignment = coPartitionedAssignment([...members.keys()], counts);
  return [...assignment].map(([memberId, byTopic]) => ({
    memberId,
    assignments: new Map(Object.entries(byTopic).map(([topic, partitions]) => [topic, { topic, partitions }])),
  }));
};
