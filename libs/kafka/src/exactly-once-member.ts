/**
 * The clients of one member of an exactly-once task group on
 * @platformatic/kafka (see ExactlyOnceWriter): a consumer in the group that
 * deals partitions co-partitioned and reads committed data only, the member's
 * transactional producer, and an admin for the group's committed offsets —
 * read with require_stable (KIP-447), so a task is never started from an
 * offset that a transaction of its previous owner is still committing.
 */
import { coPartitionedGroupAssigner, CO_PARTITIONED_ASSIGNER_NAME } from './co-partitioned-assigner.js';
import { Admin, brokerErrorIds, compatibilityPartitioner, Consumer, FetchIsolationLevels, Producer } from './platformatic.js';
import type { HangingPartition } from './exactly-once-writer.js';
import { withRetry } from './retry.js';
import { platformaticSasl, type SaslCredentials } from './sasl.js';

export interface MemberClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly groupId: string;
  readonly transactionalId: string;
  /**
   * Static membership (KIP-345): a member that rejoins under the same
   * instance id takes its old place at once — after a broker outage the
   * group still holds the consumer dropped meanwhile, and a new member id
   * would wait out that one's session first.
   */
  readonly groupInstanceId?: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  /** How long a fetch that found no committed data may wait at the broker. */
  readonly maxWaitMs: number;
  /** Credentials for a secured broker. */
  readonly sasl?: SaslCredentials;
}

export interface MemberClients {
  readonly consumer: Consumer;
  readonly admin: Admin;
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS to the next transaction's first
 * requests while it still completes the previous one (its markers, then its
 * CompleteCommit; a few ms): under load that is most transactions — traced at
 * 400 orders/s, AddPartitionsToTxn was refused 0.6 times per transaction and
 * the wait was half of a transaction's time. Retried at once, then after 1 ms
 * doubling up to 100 ms: the eleven retries wait ≈ 0.4 s in all, as long as
 * eight from 5 ms did, so a broker that is gone is noticed as soon as before.
 */
const retryDelay = (_client: object, _operation: string, attempt: number) => (attempt === 1 ? 0 : Math.min(100, 2 ** (attempt - 2)));

/** What every client of a member shares. */
const baseOptions = (options: MemberClientOptions) => ({
  clientId: options.clientId,
  bootstrapBrokers: [...options.brokers],
  retries: 11,
  retryDelay,
  ...(options.sasl === undefined ? {} : { sasl: platformaticSasl(options.sasl) }),
});

export function memberClients(options: MemberClientOptions): MemberClients {
  const base = baseOptions(options);
  const consumer = new Consumer({
    ...base,
    groupId: options.groupId,
    ...(options.groupInstanceId === undefined ? {} : { groupInstanceId: options.groupInstanceId }),
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs,
    rebalanceTimeout: options.rebalanceTimeoutMs,
    protocols: [{ name: CO_PARTITIONED_ASSIGNER_NAME, version: 1 }],
    partitionAssigner: coPartitionedGroupAssigner,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: options.maxWaitMs,
    autocommit: false,
  });
  return { consumer, admin: new Admin(base) };
}

/**
 * The member's transactional producer. A new one for the same id (after the
 * broker came back) fences the old one and aborts its open transaction: for
 * that its InitProducerId must say "a new producer" (id −1, epoch −1) — the
 * client's default, 0/0, claims to be producer 0 and is refused as fenced.
 */
export function memberProducer(options: MemberClientOptions): Producer {
  return new Producer({
    ...baseOptions(options),
    transactionalId: options.transactionalId,
    idempotent: true,
    producerId: -1n,
    producerEpoch: -1,
    partitioner: compatibilityPartitioner,
  });
}

/**
 * topic → partition → the group's committed offset (next to read; partitions
 * without one left out), once no transaction holds an offset of them pending:
 * the broker answers UNSTABLE_OFFSET_COMMIT until the previous owner's last
 * transaction is complete (or, if it died, aborted on its timeout).
 */
export async function stableCommittedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  partitions: readonly number[],
  timeoutMs: number,
): Promise<Map<string, Map<number, bigint>>> {
  const groups = await withRetry(
    () =>
      admin.listConsumerGroupOffsets({
        groups: [{ groupId, topics: topics.map((name) => ({ name, partitionIndexes: [...partitions] })) }],
        requireStable: true,
      }),
    {
      retries: Number.POSITIVE_INFINITY,
      maxRetryTime: timeoutMs,
      minTimeout: 20,
      maxTimeout: 500,
      shouldRetry: ({ error }) => brokerErrorIds(error).includes('UNSTABLE_OFFSET_COMMIT'),
    },
  );
  const result = new Map<string, Map<number, bigint>>();
  for (const group of groups)
    for (const topic of group.topics) {
      const byPartition = result.get(topic.name) ?? new Map<number, bigint>();
      for (const p of topic.partitions) if (p.committedOffset >= 0n) byPartition.set(p.partitionIndex, p.committedOffset);
      result.set(topic.name, byPartition);
    }
  return result;
}

/**
 * Kafka Streams' initTransactions(): registers the member's transactional id
 * now (InitProducerId). The coordinator then aborts a transaction that an
 * earlier producer with this id left open — one cut short by a broker outage —
 * instead of the member waiting, before it takes its tasks, for stable
 * offsets that such a transaction holds back (its timeout did not always end
 * it after a broker restart). The client retries while the coordinator
 * finishes the old transaction. Not retried here: a failed begin leaves the
 * client's producer unusable, so the caller starts over with a new one.
 */
export async function initTransactions(producer: Producer): Promise<void> {
  const transaction = await producer.beginTransaction();
  await transaction.cancel(); // nothing was added: nothing to end on the broker
}

/**
 * Waits until no transaction is undecided on these partitions: their last
 * stable offset (what read_committed reads up to) equals their high
 * watermark. A task restores its changelog up to the last stable offset; a
 * previous owner's transaction can be committed (its offsets stable) while
 * its commit marker has not reached the changelog partition yet — restored
 * then, the state would miss what the committed offsets say was done. Returns
 * the partitions still unsettled after `timeoutMs` (a zombie's transaction
 * that its timeout will abort), empty when all settled.
 */
export async function settledTransactions(
  admin: Admin,
  topics: readonly string[],
  partitions: readonly number[],
  timeoutMs: number,
): Promise<string[]> {
  if (topics.length === 0 || partitions.length === 0) return [];
  // Of each topic, the partitions it has (a topic of fewer partitions, shared by every task, holds only those).
  const request = await partitionsOf(admin, topics, (count) => partitions.filter((p) => p < count));
  let unsettled: string[] = [];
  try {
    await withRetry(
      async () => {
        unsettled = [...(await undecided(admin, request)).keys()];
        if (unsettled.length > 0) throw new UnsettledError();
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxRetryTime: timeoutMs,
        minTimeout: 10,
        maxTimeout: 200,
        shouldRetry: ({ error }) => error instanceof UnsettledError,
      },
    );
  } catch (err) {
    if (!(err instanceof UnsettledError)) throw err;
  }
  return unsettled;
}

class UnsettledError extends Error {}

/**
 * Partitions of these topics where a transaction stays undecided, with their
 * last stable offset (where the oldest undecided record is): it is below the
 * high watermark and does not move in `waitMs` (a live producer's commit
 * lands in milliseconds). Returns at once when no partition is undecided.
 */
export async function stuckTransactions(admin: Admin, topics: readonly string[], waitMs: number): Promise<HangingPartition[]> {
  if (topics.length === 0) return [];
  const request = await partitionsOf(admin, topics, (count) => Array.from({ length: count }, (_, p) => p));
  const first = await undecided(admin, request);
  if (first.size === 0) return [];
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const second = await undecided(admin, request);
  return [...second]
    .filter(([id, offset]) => first.get(id) === offset)
    .map(([id, since]) => {
      const slash = id.lastIndexOf('/');
      return { topic: id.slice(0, slash), partition: Number(id.slice(slash + 1)), since };
    });
}

type OffsetsRequest = { name: string; partitions: { partitionIndex: number; timestamp: bigint }[] }[];

/** A ListOffsets request for the latest offsets of `pick(partition count)` of each topic. */
async function partitionsOf(admin: Admin, topics: readonly string[], pick: (count: number) => number[]): Promise<OffsetsRequest> {
  const { topics: known } = await admin.metadata({ topics: [...topics] });
  return topics.map((name) => ({
    name,
    partitions: pick(known.get(name)?.partitionsCount ?? 0).map((partitionIndex) => ({ partitionIndex, timestamp: -1n })),
  }));
}

/** "topic/partition" → its last stable offset, for the partitions where it is below the high watermark. */
async function undecided(admin: Admin, request: OffsetsRequest): Promise<Map<string, bigint>> {
  const ends = async (isolationLevel: 0 | 1) => {
    const byPartition = new Map<string, bigint>();
    for (const topic of await admin.listOffsets({ topics: request, isolationLevel }))
      for (const p of topic.partitions) byPartition.set(`${topic.name}/${p.partitionIndex}`, p.offset);
    return byPartition;
  };
  const [stable, high] = await Promise.all([ends(FetchIsolationLevels.READ_COMMITTED), ends(FetchIsolationLevels.READ_UNCOMMITTED)]);
  return new Map([...stable].filter(([id, offset]) => offset !== high.get(id)));
}
