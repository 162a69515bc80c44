/** Turns a key or value into the bytes Kafka carries and back; null stands for "no bytes" (a null key, a tombstone). */
export interface Serde<T> {
  serialize(value: T): Buffer | null;
  deserialize(bytes: Buffer | null): T;
}

/** The serdes of a topic: JSON for whatever is not given. */
export interface Consumed<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/** Same shape as Consumed: the serdes an output topic is written with. */
export type Produced<K, V> = Consumed<K, V>;

const jsonSerde: Serde<unknown> = {
  serialize: (value) => (value === null || value === undefined ? null : Buffer.from(JSON.stringify(value), 'utf8')),
  deserialize: (bytes) => (bytes === null ? null : JSON.parse(bytes.toString('utf8'))),
};

const stringSerde: Serde<string> = {
  serialize: (value) => (value === null || value === undefined ? null : Buffer.from(value, 'utf8')),
  // The null cast keeps null keys and tombstones visible as null rather than inventing an empty string.
  deserialize: (bytes) => (bytes === null ? (null as unknown as string) : bytes.toString('utf8')),
};

export const Serdes = Object.freeze({
  json<T>(): Serde<T> {
    return jsonSerde as Serde<T>;
  },
  string(): Serde<string> {
    return stringSerde;
  },
  number(): Serde<number> {
    return jsonSerde as Serde<number>;
  },
});

export function keySerdeOf<K>(consumed: Consumed<K, unknown> | undefined): Serde<K> {
  return consumed?.keySerde ?? Serdes.json<K>();
}

export function valueSerdeOf<V>(consumed: Consumed<unknown, V> | undefined): Serde<V> {
  return consumed?.valueSerde ?? Serdes.json<V>();
}
