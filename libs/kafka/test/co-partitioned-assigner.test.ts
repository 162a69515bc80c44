import { describe, expect, it } from 'vitest';
import { AssignerProtocol, CO_PARTITIONED_ASSIGNER_NAME, CoPartitionedAssigner, coPartitionedAssignment } from '../src/index.js';

const TOPICS = new Map([
  ['orders', 8],
  ['states', 8],
  ['results', 8],
]);

describe('the co-partitioning assigner', () => {
  it('deals partition numbers round-robin to the members sorted by id, every topic alike (3 members, 8 partitions: 3/3/2)', () => {
    const assignment = coPartitionedAssignment(['m-c', 'm-a', 'm-b'], TOPICS);
    expect([...assignment.keys()]).toEqual(['m-a', 'm-b', 'm-c']);
    expect(assignment.get('m-a')).toEqual({ orders: [0, 3, 6], states: [0, 3, 6], results: [0, 3, 6] });
    expect(assignment.get('m-b')).toEqual({ orders: [1, 4, 7], states: [1, 4, 7], results: [1, 4, 7] });
    expect(assignment.get('m-c')).toEqual({ orders: [2, 5], states: [2, 5], results: [2, 5] });
  });

  it('gives every partition exactly once per topic, for any member count', () => {
    for (let members = 1; members <= 10; members++) {
      const ids = Array.from({ length: members }, (_, i) => `member-${i}`);
      const assignment = coPartitionedAssignment(ids, TOPICS);
      for (const topic of TOPICS.keys()) {
        const all = [...assignment.values()].flatMap((a) => a[topic] ?? []).sort((a, b) => a - b);
        expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      }
      for (const byTopic of assignment.values()) {
        // Co-partitioned: the same numbers in every topic.
        expect(new Set(Object.values(byTopic).map((p) => p.join(',')))).toHaveProperty('size', Object.keys(byTopic).length === 0 ? 0 : 1);
      }
      const sizes = [...assignment.values()].map((a) => a.orders?.length ?? 0);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('encodes the assignment for kafkajs, every member included (those without a task get none)', async () => {
    const cluster = {
      findTopicPartitionMetadata: (topic: string) => Array.from({ length: TOPICS.get(topic) ?? 0 }, (_, partitionId) => ({ partitionId })),
    };
    const logger = { warn: () => undefined };
    // biome-ignore lint/suspicious/noExplicitAny: a stand-in for kafkajs' cluster and logger
    const assigner = CoPartitionedAssigner({ cluster: cluster as any, groupId: 'g', logger: logger as any });
    expect(assigner.name).toBe(CO_PARTITIONED_ASSIGNER_NAME);
    const members = Array.from({ length: 9 }, (_, i) => ({ memberId: `m${i}`, memberMetadata: Buffer.alloc(0) }));
    const result = await assigner.assign({ members, topics: ['orders', 'states'] });
    expect(result).toHaveLength(9);
    const decoded = new Map(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]));
    expect(decoded.get('m0')).toEqual({ orders: [0], states: [0] });
    expect(decoded.get('m7')).toEqual({ orders: [7], states: [7] });
    expect(decoded.get('m8')).toEqual({});
    const metadata = AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['orders'] }).metadata);
    expect(metadata?.topics).toEqual(['orders']);
  });
});
