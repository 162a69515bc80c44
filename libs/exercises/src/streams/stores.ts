import type { KeyValue } from './records.js';
import { Serdes, type Serde } from './serdes.js';

export interface KeyValueStore<K, V> {
  readonly name: string;
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  delete(key: K): void;
  /** In the order of the serialized keys, as Kafka Streams' in-memory store iterates. */
  all(): IterableIterator<KeyValue<K, V>>;
  approximateNumEntries(): number;
}

/** Every write as changelog bytes (value null for a delete). */
export type StoreChangeListener = (storeName: string, key: Buffer, value: Buffer | null) => void;

/** How to make a store: its name and the serdes its changelog uses (JSON unless given). */
export interface StoreBuilder<K = unknown, V = unknown> {
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  build(onChange?: StoreChangeListener): InMemoryKeyValueStore<K, V>;
}

export const Stores = Object.freeze({
  keyValueStore<K, V>(name: string, serdes: { keySerde?: Serde<K>; valueSerde?: Serde<V> } = {}): StoreBuilder<K, V> {
    if (name === '') throw new RangeError('a store needs a name');
    const keySerde = serdes.keySerde ?? Serdes.json<K>();
    const valueSerde = serdes.valueSerde ?? Serdes.json<V>();
    return { name, keySerde, valueSerde, build: (onChange) => new InMemoryKeyValueStore(name, keySerde, valueSerde, onChange) };
  },
});

interface Entry<K, V> {
  readonly keyBytes: Buffer;
  readonly key: K;
  value: V;
}

/**
 * Keys are identified by their serialized bytes, like Kafka's stores: two keys
 * are the same key when they serialize to the same bytes.
 */
export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly entries = new Map<string, Entry<K, V>>();

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly onChange?: StoreChangeListener,
  ) {}

  get(key: K): V | undefined {
    return this.entries.get(this.identity(this.keyBytes(key)))?.value;
  }

  put(key: K, value: V): void {
    if (value === null || value === undefined) {
      this.delete(key);
      return;
    }
    const keyBytes = this.keyBytes(key);
    this.entries.set(this.identity(keyBytes), { keyBytes, key, value });
    this.onChange?.(this.name, keyBytes, this.valueSerde.serialize(value));
  }

  delete(key: K): void {
    const keyBytes = this.keyBytes(key);
    if (this.entries.delete(this.identity(keyBytes))) this.onChange?.(this.name, keyBytes, null);
  }

  *all(): IterableIterator<KeyValue<K, V>> {
    const sorted = [...this.entries.values()].sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
    for (const entry of sorted) yield { key: entry.key, value: entry.value };
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  /** Applies a changelog record without echoing it back to the changelog. */
  restore(keyBytes: Buffer, valueBytes: Buffer | null): void {
    const identity = this.identity(keyBytes);
    if (valueBytes === null) {
      this.entries.delete(identity);
      return;
    }
    this.entries.set(identity, { keyBytes, key: this.keySerde.deserialize(keyBytes), value: this.valueSerde.deserialize(valueBytes) });
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(key);
    if (bytes === null) throw new TypeError(`store "${this.name}": a key must serialize to bytes, got ${String(key)}`);
    return bytes;
  }

  private identity(keyBytes: Buffer): string {
    return keyBytes.toString('latin1');
  }
}
