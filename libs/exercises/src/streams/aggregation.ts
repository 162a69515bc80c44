import { KTableImpl } from './ktable.js';
import { Stores, type Retention, type StoreBuilder } from './stores.js';
import type { NodeContext, NodeInstance, TopologyGraph } from './topology.js';
import type { WindowClosing } from './windows.js';

/** Folds one value into an aggregate; undefined means "no aggregate yet" (reduce starts from the first value). */
export type Adder<K, V, A> = (key: K, value: V, aggregate: A | undefined) => A;

export function countAdder<K, V>(): Adder<K, V, number> {
  return (_key, _value, count) => (count ?? 0) + 1;
}

export function reduceAdder<K, V>(reducer: (aggregate: V, value: V) => V): Adder<K, V, V> {
  return (_key, value, aggregate) => (aggregate === undefined ? value : reducer(aggregate, value));
}

export function aggregateAdder<K, V, A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A): Adder<K, V, A> {
  return (key, value, aggregate) => aggregator(key, value, aggregate === undefined ? initializer() : aggregate);
}

/**
 * The timestamp of each aggregate, as Kafka Streams keeps it next to the value
 * (ValueAndTimestamp): an update is stamped with the largest timestamp its
 * key (or window) has seen. Kept in memory: after a restart the first update
 * of a restored aggregate carries its record's timestamp.
 */
export class LatestTimestamps {
  private readonly byKey = new Map<string, number>();

  /** The timestamp of the update a record at `timestamp` makes; `exists`: the key already has an aggregate. */
  update(key: unknown, exists: boolean, timestamp: number): number {
    const id = JSON.stringify(key);
    const previous = exists ? this.byKey.get(id) : undefined;
    const latest = previous === undefined ? timestamp : Math.max(previous, timestamp);
    this.byKey.set(id, latest);
    return latest;
  }
}

/** Aggregations skip records without a key or a value, as Kafka Streams does. */
export function isAggregatable(key: unknown, value: unknown): boolean {
  return key !== null && key !== undefined && value !== null && value !== undefined;
}

/** Adds the store and the node of an aggregation; its table reads the store. */
export function materializedAggregation<KT, A>(
  graph: TopologyGraph,
  parentName: string,
  storeName: string | undefined,
  create: (context: NodeContext, storeName: string) => NodeInstance,
  options: {
    windowing?: WindowClosing;
    /** A windowed store's retention: closed windows are purged from it. */
    retention?: Retention<KT, A>;
    extraStores?: readonly { name: string; retention?: Retention<unknown, unknown> }[];
  } = {},
): KTableImpl<KT, A> {
  const name = storeName ?? graph.newName('KSTREAM-AGGREGATE-STATE-STORE');
  graph.addStore(Stores.keyValueStore(name, { retention: options.retention }) as StoreBuilder);
  const extras = options.extraStores ?? [];
  for (const extra of extras) graph.addStore(Stores.keyValueStore(extra.name, { retention: extra.retention }));
  const nodeName = graph.addProcessor('KSTREAM-AGGREGATE', [parentName], (context) => create(context, name), [
    name,
    ...extras.map((extra) => extra.name),
  ]);
  return new KTableImpl<KT, A>({
    graph,
    nodeName,
    materializedStores: [name],
    valueGetter: (context) => {
      const store = context.store(name);
      return (key) => store.get(key);
    },
    windowing: options.windowing,
  });
}
