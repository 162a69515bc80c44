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

/**
 * How long a windowed store keeps an entry, as Kafka's window and session
 * stores (InMemoryWindowStore, AbstractRocksDBSegmentedBytesStore): the store's
 * own stream time is the largest entry time written to it (or restored from its
 * changelog, so it survives a restart); an entry whose time is at or before that
 * stream time − retentionMs has expired: get() and all() no longer see it, a
 * put() of it is skipped, and it is deleted, with a changelog tombstone, once
 * the store's stream time moves.
 */
export interface Retention<K, V> {
  readonly retentionMs: number;
  /** An entry's time: a window's start, a session's end (Kafka's segment timestamp). */
  timeOf(key: K, value: V): number;
}

/** How to make a store: its name and the serdes its changelog uses (JSON unless given). */
export interface StoreBuilder<K = unknown, V = unknown> {
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  build(onChange?: StoreChangeListener): InMemoryKeyValueStore<K, V>;
}

export const Stores = Object.freeze({
  keyValueStore<K, V>(name: string, options: { keySerde?: Serde<K>; valueSerde?: Serde<V>; retention?: Retention<K, V> } = {}): StoreBuilder<K, V> {
    if (name === '') throw new RangeError('a store needs a name');
    const keySerde = options.keySerde ?? Serdes.json<K>();
    const valueSerde = options.valueSerde ?? Serdes.json<V>();
    const { retention } = options;
    if (retention !== undefined && !(retention.retentionMs >= 0)) {
      throw new RangeError(`store "${name}": retention must be zero or more milliseconds, got ${retention.retentionMs}`);
    }
    return { name, keySerde, valueSerde, build: (onChange) => new InMemoryKeyValueStore(name, keySerde, valueSerde, onChange, retention) };
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
  /** With a retention: the largest entry time written or restored, −1 before any. */
  private observedMs = -1;
  /** Set by a restore, which must not write to the changelog: the next put purges what the restore brought back expired. */
  private purgeDue = false;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly onChange?: StoreChangeListener,
    private readonly retention?: Retention<K, V>,
  ) {}

  /** The store's own stream time (−1 without a retention or before any write). */
  get observedStreamTimeMs(): number {
    return this.observedMs;
  }

  /** Whether an entry of this time has expired (never, without a retention). */
  isExpired(time: number): boolean {
    return this.retention !== undefined && time <= this.observedMs - this.retention.retentionMs;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(this.identity(this.keyBytes(key)));
    return entry === undefined || this.expired(entry) ? undefined : entry.value;
  }

  put(key: K, value: V): void {
    if (value === null || value === undefined) {
      this.delete(key);
      return;
    }
    const time = this.retention?.timeOf(key, value);
    // Kafka's segmented stores skip a write to an expired segment ("Skipping record for expired segment").
    if (time !== undefined && this.isExpired(time)) return;
    const keyBytes = this.keyBytes(key);
    this.entries.set(this.identity(keyBytes), { keyBytes, key, value });
    this.onChange?.(this.name, keyBytes, this.valueSerde.serialize(value));
    if (time !== undefined && (time > this.observedMs || this.purgeDue)) {
      this.observedMs = Math.max(this.observedMs, time);
      this.purgeExpired();
    }
  }

  delete(key: K): void {
    const keyBytes = this.keyBytes(key);
    if (this.entries.delete(this.identity(keyBytes))) this.onChange?.(this.name, keyBytes, null);
  }

  *all(): IterableIterator<KeyValue<K, V>> {
    const sorted = [...this.entries.values()].filter((entry) => !this.expired(entry)).sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
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
    const entry = { keyBytes, key: this.keySerde.deserialize(keyBytes), value: this.valueSerde.deserialize(valueBytes) };
    this.entries.set(identity, entry);
    if (this.retention !== undefined) {
      // As Kafka's restore: every restored write moves the store's stream time, so expired windows stay expired after a restart.
      this.observedMs = Math.max(this.observedMs, this.retention.timeOf(entry.key, entry.value));
      this.purgeDue = true;
    }
  }

  private expired(entry: Entry<K, V>): boolean {
    return this.retention !== undefined && this.isExpired(this.retention.timeOf(entry.key, entry.value));
  }

  /** Deletes every expired entry through delete(), so the changelog gets a tombstone for each. */
  private purgeExpired(): void {
    this.purgeDue = false;
    for (const entry of [...this.entries.values()]) if (this.expired(entry)) this.delete(entry.key);
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
