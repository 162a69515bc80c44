/**
 * Creates the topics an application needs and checks the ones that exist:
 * someone else's topic with another partition count would put a key's
 * messages on another partition than clients expect. All or nothing: the
 * existing topics are checked before any is created, so a refusal leaves the
 * broker as it was.
 */
import type { Admin } from 'kafkajs';
import { isRetriable, retryRetriable } from './retry.js';

export interface TopicSpec {
  readonly name: string;
  /** Omitted: the broker's default when creating it, and any count is accepted. */
  readonly partitions?: number;
  /** Topic configs applied when creating it, e.g. { 'cleanup.policy': 'compact' }. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface EnsureTopicsOptions {
  /** How long to keep retrying while the broker is not ready (new topics, leaders); default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Refuses, creating nothing, when an existing topic's partition count differs
 * from its spec (one error naming every such topic, see WrongPartitionCounts);
 * else creates the missing topics, waits until every topic has a leader for
 * each partition (and the new ones answer offset requests), and checks the
 * counts again (another client may have created one meanwhile). Resolves to
 * the names that were missing. Not kafkajs' waitForLeaders: it gives up when
 * the metadata does not list a new topic yet.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[], options: EnsureTopicsOptions = {}): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const unique = [...new Map(specs.map((spec) => [spec.name, spec])).values()];
  if (unique.length === 0) return [];
  await retryRetriable(() => checkExisting(admin, unique), timeoutMs);
  const created = await retryRetriable(() => createMissing(admin, unique), timeoutMs);
  await retryRetriable(() => checkPartitions(admin, unique), timeoutMs);
  // The metadata names a leader a moment before that broker serves as one ("not the leader for that topic-partition").
  for (const topic of created) await retryRetriable(() => admin.fetchTopicOffsets(topic), timeoutMs);
  return created;
}

/** Before creating anything: the partition counts of the topics that already exist. */
async function checkExisting(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = specs.filter((spec) => existing.has(spec.name));
  if (present.length === 0) return;
  const { topics } = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) });
  const counts = new Map(topics.map((topic) => [topic.name, topic.partitions.length]));
  // A topic created a moment ago may not list its partitions yet.
  const unknown = present.filter((spec) => !(Number(counts.get(spec.name)) > 0)).map((spec) => spec.name);
  if (unknown.length > 0) throw new LeaderNotKnownYet(unknown);
  refuseWrongCounts(present, counts, true);
}

function refuseWrongCounts(specs: readonly TopicSpec[], counts: ReadonlyMap<string, number | undefined>, beforeCreating: boolean): void {
  const wrong = specs
    .filter((spec) => spec.partitions !== undefined && counts.get(spec.name) !== spec.partitions)
    .map((spec) => ({ name: spec.name, actual: counts.get(spec.name), expected: spec.partitions as number }));
  if (wrong.length > 0) throw new WrongPartitionCounts(wrong, beforeCreating);
}

async function createMissing(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (error) {
    // Another client may have created some of them meanwhile: fine if they all exist now.
    const now = new Set(await admin.listTopics());
    const stillMissing = missing.filter((spec) => !now.has(spec.name)).map((spec) => spec.name);
    if (stillMissing.length > 0) throw new TopicsNotCreated(stillMissing, error);
  }
  return missing.map((spec) => spec.name);
}

async function checkPartitions(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.name) });
  const leaderless = specs
    .filter((spec) => {
      const found = topics.find((topic) => topic.name === spec.name);
      return found === undefined || found.partitions.length === 0 || found.partitions.some((partition) => partition.leader < 0);
    })
    .map((spec) => spec.name);
  if (leaderless.length > 0) throw new LeaderNotKnownYet(leaderless);
  refuseWrongCounts(specs, new Map(topics.map((topic) => [topic.name, topic.partitions.length])), false);
}

export interface WrongPartitionCount {
  readonly name: string;
  readonly actual: number | undefined;
  readonly expected: number;
}

/**
 * Every existing topic whose partition count differs from its spec, in one
 * line that says how to fix it. Not retriable. Usually a client auto-created
 * the topic (with the broker's default of one partition) before the
 * application created it.
 */
export class WrongPartitionCounts extends Error {
  override readonly name = 'WrongPartitionCounts';
  readonly retriable = false;

  constructor(
    readonly topics: readonly WrongPartitionCount[],
    /** Found before creating any topic (nothing was created), or after (another client created one meanwhile). */
    readonly beforeCreating: boolean,
  ) {
    const count = (n: number | undefined) => `${n} partition${n === 1 ? '' : 's'}`;
    const [it, its] = topics.length === 1 ? ['it', 'its'] : ['them', 'their'];
    const each = topics.map((t) => `topic "${t.name}" has ${count(t.actual)}, expected ${t.expected}`).join('; ');
    const deletes = topics.map((t) => `kafka-topics.sh --bootstrap-server <broker> --delete --topic ${t.name}`).join(' and ');
    super(
      `${each}${beforeCreating ? ' (nothing was created)' : ''}. A client probably auto-created ${it}: ` +
        `delete ${it} (${deletes}; ${its} messages are lost) or use another broker, and let this server create the topics ` +
        'before any client starts (Quix Streams: Application(..., auto_create_topics=False))',
    );
  }
}

/** Retriable, as kafkajs marks its own errors: right after creation, the metadata may not know a leader yet. */
class LeaderNotKnownYet extends Error {
  readonly retriable = true;

  constructor(topics: readonly string[]) {
    super(`no leader yet for ${topics.join(', ')}`);
  }
}

/** Retriable when what made the creation fail is. */
class TopicsNotCreated extends Error {
  readonly retriable: boolean;

  constructor(topics: readonly string[], cause: unknown) {
    super(`could not create topics ${topics.join(', ')}: ${describeKafkaError(cause)}`, { cause });
    this.retriable = isRetriable(cause);
  }
}

/** kafkajs' "Topic creation errors" says what failed only in its nested errors. */
function describeKafkaError(error: unknown): string {
  const nested = (error as { errors?: unknown[] }).errors;
  const parts = Array.isArray(nested) ? nested.map((e) => String((e as Error).message)) : [];
  return [String((error as Error).message ?? error), ...parts].join('; ');
}
