/**
 * Repartitioning, as Kafka Streams does it: a sink node writes the stream to
 * an internal topic `<application id>-<name>-repartition`, keyed by its
 * (new) key, and a source node reads it back. On a broker, the topic's
 * partitioner sends every record of a key to the same partition, so the task
 * that keeps the key's state sees all of them.
 */
import { Serdes, type Serde } from './serdes.js';
import type { TopologyGraph } from './topology.js';

export interface RepartitionSpec {
  /** The topic's name before `-repartition` (Kafka's "repartition topic name prefix"). */
  readonly name: string;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly numberOfPartitions?: number;
}

export const REPARTITION_TOPIC_SUFFIX = '-repartition';

/**
 * Adds a sink to the repartition topic after `parentName`, and the source
 * that reads it; returns the source node's name. Records with a null key are
 * dropped before the topic, as Kafka's repartition nodes filter them: no
 * partition is theirs, and no stateful operation takes them.
 */
export function addRepartition(graph: TopologyGraph, parentName: string, spec: RepartitionSpec): string {
  // Always suffixed, as Kafka's baseName + REPARTITION_TOPIC_SUFFIX: Repartitioned.as('x-repartition') reads x-repartition-repartition.
  const topic = `${spec.name}${REPARTITION_TOPIC_SUFFIX}`;
  graph.addRepartitionTopic({ name: topic, ...(spec.numberOfPartitions === undefined ? {} : { partitions: spec.numberOfPartitions }) });
  const keySerde = spec.keySerde ?? Serdes.json<unknown>();
  const valueSerde = spec.valueSerde ?? Serdes.json<unknown>();
  const sinkName = graph.newName('KSTREAM-SINK');
  const filterName = graph.addProcessor('KSTREAM-FILTER', [parentName], (context) => ({
    process: (r) => {
      if (r.key !== null && r.key !== undefined) context.forward(r);
    },
  }));
  graph.addNode({
    name: sinkName,
    parents: [filterName],
    storeNames: [],
    sinkTopic: topic,
    internal: true,
    create: (context) => ({
      // The record keeps its timestamp across the topic, as Kafka's sink writes it into the record.
      process: (r) => context.emit({ topic, key: keySerde.serialize(r.key), value: valueSerde.serialize(r.value), timestamp: r.timestamp }),
    }),
  });
  return graph.addSource([topic], keySerde, valueSerde, undefined, true);
}
