import type { Serde } from './serdes.js';

/** Kafka's legal topic characters: a repartition topic's name is part of one. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * How `KStream.repartition()` writes its records to a repartition topic, as
 * Kafka's `Repartitioned`: the topic's name (`<application id>-<name>-repartition`;
 * default `KSTREAM-REPARTITION-<n>`), its serdes (JSON for what is not given)
 * and its partition count (default: as many as the topology's source topics have at most).
 */
export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly numberOfPartitions: number | undefined,
  ) {}

  static as<K, V>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, undefined).withName(name);
  }

  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, keySerde, valueSerde, undefined);
  }

  static numberOfPartitions<K, V>(partitions: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, undefined).withNumberOfPartitions(partitions);
  }

  withName(name: string): Repartitioned<K, V> {
    if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
      throw new RangeError(`Repartitioned: a name of letters, digits, ".", "_" and "-" is expected (it names a topic), got ${JSON.stringify(name)}`);
    }
    return new Repartitioned(name, this.keySerde, this.valueSerde, this.numberOfPartitions);
  }

  withKeySerde(keySerde: Serde<K>): Repartitioned<K, V> {
    return new Repartitioned(this.name, keySerde, this.valueSerde, this.numberOfPartitions);
  }

  withValueSerde(valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, valueSerde, this.numberOfPartitions);
  }

  withNumberOfPartitions(partitions: number): Repartitioned<K, V> {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`Repartitioned: the number of partitions must be a whole number of 1 or more, got ${partitions}`);
    }
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, partitions);
  }
}
