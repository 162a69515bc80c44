import { aggregateAdder, countAdder, isAggregatable, LatestTimestamps, materializedAggregation, reduceAdder, type Adder } from './aggregation.js';
import type { KTable } from './ktable.js';
import { type Materialized, retentionOf, type StoreArgument, storeNameOf } from './materialized.js';
import type { InMemoryKeyValueStore } from './stores.js';
import type { NodeContext, NodeInstance, TopologyGraph } from './topology.js';
import { type SlidingWindows, TimeWindows, type Window, type Windowed } from './windows.js';

/** `store`: the store's name, or a Materialized with a name and a retention (Materialized.as(name).withRetention(ms)). */
export interface TimeWindowedKStream<K, V> {
  count(store?: string | Materialized): KTable<Windowed<K>, number>;
  reduce(reducer: (aggregate: V, value: V) => V, store?: string | Materialized): KTable<Windowed<K>, V>;
  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, store?: string | Materialized): KTable<Windowed<K>, A>;
}

export class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
  constructor(
    private readonly graph: TopologyGraph,
    private readonly parentName: string,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  count(store?: string | Materialized): KTable<Windowed<K>, number> {
    return this.fold(countAdder<K, V>(), store);
  }

  reduce(reducer: (aggregate: V, value: V) => V, store?: string | Materialized): KTable<Windowed<K>, V> {
    return this.fold(reduceAdder<K, V>(reducer), store);
  }

  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, store?: string | Materialized): KTable<Windowed<K>, A> {
    return this.fold(aggregateAdder(initializer, aggregator), store);
  }

  private fold<A>(adder: Adder<K, V, A>, store: StoreArgument): KTable<Windowed<K>, A> {
    const windows = this.windows;
    const storeName = storeNameOf(store);
    if (windows instanceof TimeWindows) {
      // Kafka's default retention of a window store: size + grace, by window start; a window expires as it closes.
      const retentionMs = retentionOf(store, windows.sizeMs + windows.graceMs, 'window size + grace');
      return materializedAggregation(this.graph, this.parentName, storeName, (context, name) => timeWindowsNode(context, name, windows, adder), {
        windowing: windows,
        retention: { retentionMs, timeOf: (key: Windowed<K>) => key.window.start },
      });
    }
    // Sliding windows are recomputed from the records they hold, kept in a second store until every window of theirs has closed.
    const name = storeName ?? this.graph.newName('KSTREAM-AGGREGATE-STATE-STORE');
    const recordsStore = `${name}-records`;
    const d = windows.differenceMs;
    // Kafka's default for sliding windows: 2 × difference + grace, by window start.
    const retentionMs = retentionOf(store, 2 * d + windows.graceMs, '2 × time difference + grace');
    return materializedAggregation(this.graph, this.parentName, name, (context) => slidingWindowsNode(context, name, recordsStore, windows, adder), {
      windowing: windows,
      retention: { retentionMs, timeOf: (key: Windowed<K>) => key.window.start },
      // A held record expires with its last window [t, t + d], closed at t + d + 1 + grace.
      extraStores: [
        { name: recordsStore, retention: { retentionMs: d + 1 + windows.graceMs, timeOf: (_key, held) => newest(held as HeldRecord[]) } },
      ],
    });
  }
}

function timeWindowsNode<K, V, A>(context: NodeContext, storeName: string, windows: TimeWindows, adder: Adder<K, V, A>): NodeInstance {
  const store = context.store<Windowed<K>, A>(storeName);
  const latest = new LatestTimestamps();
  // Kafka's KStreamWindowAggregate#observedStreamTime: moved only by the records that reach this node, −1 again after a
  // restart; the store's own stream time, restored from its changelog, keeps expired windows expired.
  let streamTime = -1;
  return {
    process: (r) => {
      if (!isAggregatable(r.key, r.value)) return;
      streamTime = Math.max(streamTime, r.timestamp);
      const open = windows.windowsFor(r.timestamp).filter((window) => windows.closeTimeOf(window) > streamTime && !store.isExpired(window.start));
      if (open.length === 0) {
        context.recordDropped();
        return;
      }
      for (const window of open) {
        const key: Windowed<K> = { key: r.key as K, window };
        update(context, store, key, (old) => adder(r.key as K, r.value as V, old), latest.update(key, store.get(key) !== undefined, r.timestamp));
      }
    },
  };
}

function update<K, A>(
  context: NodeContext,
  store: InMemoryKeyValueStore<Windowed<K>, A>,
  key: Windowed<K>,
  compute: (old: A | undefined) => A,
  timestamp: number,
): void {
  const oldValue = store.get(key);
  const value = compute(oldValue);
  store.put(key, value);
  context.forward({ key, value, oldValue: oldValue ?? null, timestamp });
}

/** A record's left window: [t - d, t], or the one early window [0, d] for t < d. */
function leftWindowOf(t: number, d: number): Window {
  return t < d ? { start: 0, end: d } : { start: t - d, end: t };
}

interface HeldRecord {
  readonly timestamp: number;
  readonly value: unknown;
}

const newest = (held: readonly HeldRecord[]) => Math.max(...held.map((h) => h.timestamp));

/**
 * Kafka Streams sliding windows (KStreamSlidingWindowAggregate): every record
 * t has a left window [t - d, t] and, when some record follows it within
 * d + 1 ms, a right window [t + 1, t + 1 + d]; both ends inclusive. A record
 * earlier than d has no left window of its own: it goes into the one window
 * [0, d] (Kafka's processEarly: no window starts before 0). A window holds
 * exactly the records whose timestamps it covers, and its aggregate folds them
 * in the order they arrived, as Kafka adds a late record to the aggregates it
 * already has (KStreamSlidingWindowAggregateTest#testNoGracePeriodSmallInput).
 */
function slidingWindowsNode<K, V, A>(
  context: NodeContext,
  storeName: string,
  recordsStoreName: string,
  windows: SlidingWindows,
  adder: Adder<K, V, A>,
): NodeInstance {
  const store = context.store<Windowed<K>, A>(storeName);
  const held = context.store<K, HeldRecord[]>(recordsStoreName);
  const d = windows.differenceMs;
  // Kafka's KStreamSlidingWindowAggregate#observedStreamTime (see timeWindowsNode).
  let streamTime = -1;
  const isOpen = (window: Window) => windows.closeTimeOf(window) > streamTime && !store.isExpired(window.start);
  return {
    process: (r) => {
      if (!isAggregatable(r.key, r.value)) return;
      const key = r.key as K;
      const t = r.timestamp;
      streamTime = Math.max(streamTime, t);
      // The last window that can hold t is the left window of a record at t + d.
      if (!isOpen({ start: t, end: t + d })) {
        context.recordDropped();
        return;
      }
      const records = (held.get(key) ?? []).filter((h) => isOpen({ start: h.timestamp, end: h.timestamp + d }));
      // Kept in arrival order: each window folds its records in that order.
      records.push({ timestamp: t, value: r.value });

      const times = [...new Set(records.map((h) => h.timestamp))].sort((a, b) => a - b);
      // Keyed by start: a left window can be another record's right window.
      const candidates = new Map<number, Window>();
      for (const time of times) {
        const left = leftWindowOf(time, d);
        candidates.set(left.start, left);
        if (times.some((other) => other > time && other <= time + 1 + d)) candidates.set(time + 1, { start: time + 1, end: time + 1 + d });
      }
      const changed = [...candidates.values()].filter((w) => {
        const holdsT = w.start <= t && t <= w.end;
        const isNew = store.get({ key, window: w }) === undefined;
        return isOpen(w) && (holdsT || isNew);
      });
      // Every window this record would change is closed: it is late.
      if (changed.length === 0) {
        context.recordDropped();
        return;
      }
      held.put(key, records);
      changed.sort((a, b) => a.start - b.start);
      for (const window of changed) {
        const inside = records.filter((h) => window.start <= h.timestamp && h.timestamp <= window.end);
        update<K, A>(
          context,
          store,
          { key, window },
          () => inside.reduce<A | undefined>((agg, h) => adder(key, h.value as V, agg), undefined) as A,
          // As Kafka Streams: a window's update carries the largest timestamp in it.
          Math.max(...inside.map((h) => h.timestamp)),
        );
      }
    },
  };
}
