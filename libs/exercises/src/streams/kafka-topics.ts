import type { Admin } from 'kafkajs';

/** Retries what the broker calls retriable: right after a topic is created, not every request knows it yet. */
export async function retryingFor<T>(timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

class LeaderNotKnownYet extends Error {
  readonly retriable = true;
}

/**
 * Creates the topics that do not exist yet (changelogs compacted, one
 * partition), then waits until each has a leader. kafkajs' own waitForLeaders
 * gives up when the metadata does not list a new topic yet, so it is not used.
 */
export async function createMissingTopics(admin: Admin, topics: { plain: readonly string[]; compacted: readonly string[] }, timeoutMs: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const plain = [...new Set(topics.plain)].filter((t) => !existing.has(t));
  const compacted = [...new Set(topics.compacted)].filter((t) => !existing.has(t));
  const created = [...plain, ...compacted];
  if (created.length === 0) return;
  await retryingFor(timeoutMs, () =>
    admin.createTopics({
      waitForLeaders: false,
      topics: [
        ...plain.map((topic) => ({ topic })),
        ...compacted.map((topic) => ({ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
      ],
    }),
  );
  await retryingFor(timeoutMs, async () => {
    const { topics: described } = await admin.fetchTopicMetadata({ topics: created });
    const leaderless = described.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
    if (leaderless.length > 0) throw new LeaderNotKnownYet(`no leader yet for ${leaderless.join(', ')}`);
  });
}
