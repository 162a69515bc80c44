import { describe, expect, it } from 'vitest';
import { ConfigResourceTypes, ensureTopics } from '../src/index.js';
import { noBroker, uniqueName, useKafka } from './support/kafka.js';

describe.skipIf(noBroker)('ensureTopics on a real broker', () => {
  const { admin } = useKafka();

  const partitionCount = async (topic: string) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.length;
  };

  it('creates the missing topics with their partitions and configs, ready for use; a second call creates nothing', async () => {
    const plain = uniqueName('plain');
    const compacted = uniqueName('compacted');
    const specs = [
      { name: plain, partitions: 3 },
      { name: compacted, partitions: 1, config: { 'cleanup.policy': 'compact' } },
    ];
    expect((await ensureTopics(admin, specs)).sort()).toEqual([plain, compacted].sort());
    expect(await partitionCount(plain)).toBe(3);
    expect(await partitionCount(compacted)).toBe(1);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] }],
    });
    expect(resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
    // Every partition has a leader: offsets answer at once, with no retry.
    expect(await admin.fetchTopicOffsets(plain)).toHaveLength(3);

    expect(await ensureTopics(admin, specs)).toEqual([]);
  });

  it('refuses an existing topic whose partition count differs, naming it and both counts', async () => {
    const topic = uniqueName('two-partitions');
    await ensureTopics(admin, [{ name: topic, partitions: 2 }]);
    await expect(ensureTopics(admin, [{ name: topic, partitions: 8 }])).rejects.toThrow(`topic "${topic}" has 2 partitions, expected 8`);
  });

  it('accepts any partition count when the spec gives none', async () => {
    const topic = uniqueName('any-count');
    await ensureTopics(admin, [{ name: topic, partitions: 4 }]);
    await expect(ensureTopics(admin, [{ name: topic }])).resolves.toEqual([]);
    expect(await partitionCount(topic)).toBe(4);
  });

  it('lets two callers create the same topics at once', async () => {
    const specs = [
      { name: uniqueName('raced'), partitions: 2 },
      { name: uniqueName('raced'), partitions: 1 },
    ];
    const [first, second] = await Promise.all([ensureTopics(admin, specs), ensureTopics(admin, specs)]);
    expect(first.length + second.length).toBeGreaterThanOrEqual(specs.length);
    for (const spec of specs) expect(await partitionCount(spec.name)).toBe(spec.partitions);
  });
});
