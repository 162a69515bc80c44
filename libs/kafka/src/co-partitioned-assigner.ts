/**
 * A kafkajs partition assigner that keeps topics co-partitioned, as Kafka
 * Streams' tasks need: partition numbers 0..N−1 are dealt round-robin to the
 * members sorted by member id, and the member that gets p gets partition p of
 * EVERY subscribed topic. (kafkajs' RoundRobin deals topic-partitions one
 * after the other, so with 3 members and 8 partitions per topic partition 0
 * of the second topic lands on another member than partition 0 of the first.)
 */
import type { Assigner, PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from './kafkajs.js';

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

/** The assigner, for kafkajs' `partitionAssigners: [CoPartitionedAssigner]`. */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster, logger }) => {
  const version = 0;
  const assigner: Assigner = {
    name: CO_PARTITIONED_ASSIGNER_NAME,
    version,
    async assign({ members, topics }) {
      const counts = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).length]));
      if (new Set(counts.values()).size > 1) {
        logger.warn('topics of a co-partitioned group have different partition counts', { counts: Object.fromEntries(counts) });
      }
      const assignment = coPartitionedAssignment(
        members.map((m) => m.memberId),
        counts,
      );
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version, assignment: byTopic, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return {
        name: CO_PARTITIONED_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: Buffer.alloc(0) }),
      };
    },
  };
  return assigner;
};
