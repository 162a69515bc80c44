/**
 * Chooses a partition from a message key exactly as Kafka's Java client and
 * kafkajs do (murmur2 of the key bytes), for code that places messages
 * without a broker (the server's embedded bus). kafkajs's own partitioner is
 * used rather than a hand-written murmur2.
 */
import { Partitioners } from './kafkajs.js';

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** The metadata kafkajs's partitioner wants, made once per partition count (it only reads the ids). */
const metadataByCount = new Map<number, { partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number }[]>();

/**
 * A room has a few dozen traders whose keys come back with every order:
 * their partitions are remembered (bounded, so that any number of distinct
 * keys costs at most this many entries).
 */
const MAX_REMEMBERED_KEYS = 10_000;
const remembered = new Map<string, number>();

export function partitionForKey(topic: string, key: Buffer | null, partitions: number): number {
  if (partitions <= 1) return 0;
  const memo = key === null ? undefined : `${partitions}\u0000${key.toString('latin1')}`;
  const known = memo === undefined ? undefined : remembered.get(memo);
  if (known !== undefined) return known;
  let partitionMetadata = metadataByCount.get(partitions);
  if (partitionMetadata === undefined) {
    partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    metadataByCount.set(partitions, partitionMetadata);
  }
  const partition = defaultPartitioner({ topic, partitionMetadata, message: { key, value: null } });
  if (memo !== undefined) {
    if (remembered.size >= MAX_REMEMBERED_KEYS) remembered.clear();
    remembered.set(memo, partition);
  }
  return partition;
}
