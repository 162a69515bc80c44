/**
 * Chooses a partition from a message key exactly as Kafka's Java client and
 * kafkajs do (murmur2 of the key bytes), for code that places messages
 * without a broker (the server's embedded bus). kafkajs's own partitioner is
 * used rather than a hand-written murmur2.
 */
import { Partitioners } from './kafkajs.js';

const defaultPartitioner = Partitioners.DefaultPartitioner();

export function partitionForKey(topic: string, key: Buffer | null, partitions: number): number {
  if (partitions <= 1) return 0;
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return defaultPartitioner({ topic, partitionMetadata, message: { key, value: null } });
}
