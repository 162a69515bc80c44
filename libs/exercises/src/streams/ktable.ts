import { KStreamImpl, type KStream } from './kstream.js';
import { Stores } from './stores.js';
import type { NodeContext, NodeRecord, TopologyGraph } from './topology.js';
import type { Suppressed, Window, WindowClosing, Windowed } from './windows.js';

export interface KTable<K, V> {
  /** Every update (no caching); tombstones arrive as value null. */
  toStream(): KStream<K, V>;
  filter(predicate: (key: K, value: V) => boolean): KTable<K, V>;
  mapValues<V2>(mapper: (value: V, key: K) => V2): KTable<K, V2>;
  /** Only on windowed tables: holds each window's updates back and emits its final value once the window closes. */
  suppress(suppressed: Suppressed): KTable<K, V>;
}

/** Reads a table's current value for a key, whatever nodes derive it. */
export type ValueGetter = (key: unknown) => unknown;

export interface TableInternals {
  readonly graph: TopologyGraph;
  readonly nodeName: string;
  /** The stores the table's values come from: a join must be connected to them. */
  readonly materializedStores: readonly string[];
  valueGetter(context: NodeContext): ValueGetter;
  /** Set on windowed aggregations: when each window closes. */
  readonly windowing?: WindowClosing;
}

export function tableInternals<K, V>(table: KTable<K, V>): TableInternals {
  if (!(table instanceof KTableImpl)) throw new TypeError('expected a KTable made by this StreamsBuilder');
  return table.internals;
}

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

interface BufferedUpdate {
  readonly value: unknown;
  readonly timestamp: number;
  readonly closeAt: number;
}

export class KTableImpl<K, V> implements KTable<K, V> {
  constructor(readonly internals: TableInternals) {}

  toStream(): KStream<K, V> {
    const name = this.graph.addProcessor('KTABLE-TOSTREAM', [this.internals.nodeName], (context) => ({
      process: (r) => context.forward({ key: r.key, value: r.value ?? null, timestamp: r.timestamp }),
    }));
    return new KStreamImpl<K, V>(this.graph, name);
  }

  filter(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    const keep = (key: unknown, value: unknown) => (!isAbsent(value) && predicate(key as K, value as V) ? value : null);
    return this.derive(
      'KTABLE-FILTER',
      (r, forward) => {
        const value = keep(r.key, r.value);
        const oldValue = keep(r.key, r.oldValue);
        // As Kafka Streams' KTableFilter (old values not requested): a record filtered out goes on as a tombstone.
        forward({ key: r.key, value, oldValue, timestamp: r.timestamp });
      },
      (parent) => (key) => keep(key, parent(key)) ?? undefined,
    );
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KTable<K, V2> {
    const map = (key: unknown, value: unknown) => (isAbsent(value) ? null : mapper(value as V, key as K));
    return this.derive(
      'KTABLE-MAPVALUES',
      (r, forward) => {
        forward({ key: r.key, value: map(r.key, r.value), oldValue: map(r.key, r.oldValue), timestamp: r.timestamp });
      },
      (parent) => (key) => map(key, parent(key)) ?? undefined,
    );
  }

  suppress(suppressed: Suppressed): KTable<K, V> {
    const windowing = this.internals.windowing;
    if (windowing === undefined)
      throw new Error('suppress(Suppressed.untilWindowCloses()) needs a windowed table (windowedBy(...).count() and the like)');
    if (suppressed.mode !== 'untilWindowCloses') throw new Error(`unknown suppression ${String(suppressed.mode)}`);
    const storeName = this.graph.newName('KTABLE-SUPPRESS-STATE-STORE');
    // The buffer is a store so that held-back windows survive a restart of the Kafka runner.
    this.graph.addStore(Stores.keyValueStore<Windowed<unknown>, BufferedUpdate>(storeName));
    const name = this.graph.addProcessor(
      'KTABLE-SUPPRESS',
      [this.internals.nodeName],
      (context) => {
        const buffer = context.store<Windowed<unknown>, BufferedUpdate>(storeName);
        // A mirror of the buffer, so that each record does not sort the whole store.
        const held = new Map<string, { key: Windowed<unknown>; update: BufferedUpdate }>();
        for (const { key, value } of buffer.all()) held.set(JSON.stringify(key), { key, update: value });
        // Kafka's KTableSuppressProcessor#observedStreamTime: moved by every update that reaches this node (retractions
        // too), −1 again after a restart (the buffer is restored, not the time).
        let streamTime = -1;
        const emitClosed = () => {
          const closed = [...held].filter(([, entry]) => entry.update.closeAt <= streamTime);
          // As Kafka Streams' buffer: by close time, then by key.
          closed.sort(([idA, a], [idB, b]) => a.update.closeAt - b.update.closeAt || (idA < idB ? -1 : idA > idB ? 1 : 0));
          for (const [id, { key, update }] of closed) {
            buffer.delete(key);
            held.delete(id);
            context.forward({ key, value: update.value, oldValue: null, timestamp: update.timestamp });
          }
        };
        return {
          process: (r) => {
            streamTime = Math.max(streamTime, r.timestamp);
            const key = r.key as Windowed<unknown>;
            const id = JSON.stringify(key);
            if (isAbsent(r.value)) {
              // A retracted window (a merged session) has no final result: drop it from the buffer.
              buffer.delete(key);
              held.delete(id);
            } else {
              const update = { value: r.value, timestamp: r.timestamp, closeAt: windowing.closeTimeOf(key.window as Window) };
              buffer.put(key, update);
              held.set(id, { key, update });
            }
            // As Kafka's enforceConstraints, after buffering: emit what this node's stream time has closed.
            emitClosed();
          },
        };
      },
      [storeName],
    );
    // A join reads the latest aggregate, emitted or still held back: suppression only delays the updates.
    return new KTableImpl<K, V>({ ...this.internals, nodeName: name });
  }

  private get graph(): TopologyGraph {
    return this.internals.graph;
  }

  private derive<K2, V2>(
    prefix: string,
    process: (record: NodeRecord, forward: (record: NodeRecord) => void) => void,
    getter: (parent: ValueGetter) => ValueGetter,
  ): KTable<K2, V2> {
    const name = this.graph.addProcessor(prefix, [this.internals.nodeName], (context) => ({
      process: (r) => process(r, (out) => context.forward(out)),
    }));
    const parentGetter = this.internals.valueGetter.bind(this.internals);
    return new KTableImpl<K2, V2>({
      ...this.internals,
      nodeName: name,
      valueGetter: (context) => getter(parentGetter(context)),
    });
  }
}
