import { describe, expect, it } from 'vitest';
import { coPartitionedGroupAssigner } from '../src/exactly-once.js';
import { coPartitionedAssignment } from '../src/index.js';

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

  it("answers in @platformatic/kafka's shape, every member included (those without a task get none)", () => {
    const metadata = { topics: new Map([...TOPICS].map(([topic, partitionsCount]) => [topic, { partitionsCount }])) };
    const members = new Map(Array.from({ length: 9 }, (_, i) => [`m${i}`, { memberId: `m${i}`, version: 1 }]));
    // biome-ignore lint/suspicious/noExplicitAny: only the partition counts of the cluster metadata are read
    const result = coPartitionedGroupAssigner('m0', members, new Set(['orders', 'states']), metadata as any);
    expect(result).toHaveLength(9);
    const byMember = new Map(result.map((r) => [r.memberId, Object.fromEntries([...r.assignments].map(([t, a]) => [t, a.partitions]))]));
    expect(byMember.get('m0')).toEqual({ orders: [0], states: [0] });
    expect(byMember.get('m7')).toEqual({ orders: [7], states: [7] });
    expect(byMember.get('m8')).toEqual({});
  });
});
