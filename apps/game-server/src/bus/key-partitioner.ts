/**
 * The embedded bus places keys as Kafka's Java client and kafkajs do (murmur2
 * of the key bytes), so a trader's actions land on the same partition on the
 * embedded bus as on a real broker. The partitioner lives with the rest of the
 * Kafka plumbing.
 */
export { partitionForKey } from '@banana-market/kafka';
