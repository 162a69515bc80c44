import { describe, expect, it } from 'vitest';
import { ConfigResourceTypes, ensureTopics } from '../src/index.js';
import { WrongPartitionCounts } from '../src/topics.js';
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

  it('checks every existing topic before creating any: two wrong ones among missing ones make one error naming both, and nothing is created', async () => {
    // As a client that auto-creates topics leaves them: the broker's default of one partition (or any other count).
    const wrongOne = uniqueName('auto-created');
    const wrongTwo = uniqueName('auto-created');
    await admin.createTopics({
      topics: [
        { topic: wrongOne, numPartitions: 1 },
        { topic: wrongTwo, numPartitions: 3 },
      ],
    });
    const missing = [uniqueName('missing'), uniqueName('missing'), uniqueName('missing')];
    const specs = [
      { name: missing[0], partitions: 2 },
      { name: wrongOne, partitions: 8 },
      { name: missing[1], partitions: 1 },
      { name: wrongTwo, partitions: 2 },
      { name: missing[2], partitions: 8, config: { 'cleanup.policy': 'compact' } },
    ];

    const error = await ensureTopics(admin, specs).then(
      () => expect.fail('ensureTopics accepted topics with other partition counts'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongPartitionCounts);
    expect((error as WrongPartitionCounts).topics).toEqual([
      { name: wrongOne, actual: 1, expected: 8 },
      { name: wrongTwo, actual: 3, expected: 2 },
    ]);
    const message = (error as Error).message;
    expect(message).toContain(
      `topic "${wrongOne}" has 1 partition, expected 8; topic "${wrongTwo}" has 3 partitions, expected 2 (nothing was created)`,
    );
    expect(message).toContain(`--delete --topic ${wrongOne}`);
    expect(message).toContain(`--delete --topic ${wrongTwo}`);
    expect(message).toContain('auto_create_topics=False');
    expect(message).not.toContain('\n');

    const topics = await admin.listTopics();
    for (const name of missing) expect(topics, `${name} was created`).not.toContain(name);
    expect(await partitionCount(wrongOne)).toBe(1);
    expect(await partitionCount(wrongTwo)).toBe(3);

    // Fixed (deleted and left to ensureTopics), it creates them all.
    await admin.deleteTopics({ topics: [wrongOne, wrongTwo] });
    await expect.poll(async () => (await admin.listTopics()).filter((t) => t === wrongOne || t === wrongTwo), { timeout: 15_000 }).toEqual([]);
    expect((await ensureTopics(admin, specs)).sort()).toEqual(specs.map((spec) => spec.name).sort());
    for (const spec of specs) expect(await partitionCount(spec.name)).toBe(spec.partitions);
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
