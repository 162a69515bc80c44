import { aggregateAdder, countAdder, isAggregatable, LatestTimestamps, materializedAggregation, reduceAdder, type Adder } from './aggregation.js';
import type { KTable } from './ktable.js';
import { addRepartition } from './repartition.js';
import { SessionWindowedKStreamImpl, type SessionWindowedKStream } from './session-windowed.js';
import type { TopologyGraph } from './topology.js';
import { TimeWindowedKStreamImpl, type TimeWindowedKStream } from './time-windowed.js';
import { SessionWindows, SlidingWindows, TimeWindows } from './windows.js';

export interface KGroupedStream<K, V> {
  count(storeName?: string): KTable<K, number>;
  reduce(reducer: (aggregate: V, value: V) => V, storeName?: string): KTable<K, V>;
  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, storeName?: string): KTable<K, A>;
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
}

export class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
  constructor(
    private readonly graph: TopologyGraph,
    private readonly parentName: string,
    /** Grouped after a key change (groupBy, or selectKey/map/flatMap then groupByKey): the aggregation reads a repartition topic. */
    private readonly repartitionRequired = false,
  ) {}

  count(storeName?: string): KTable<K, number> {
    return this.fold(countAdder<K, V>(), storeName);
  }

  reduce(reducer: (aggregate: V, value: V) => V, storeName?: string): KTable<K, V> {
    return this.fold(reduceAdder<K, V>(reducer), storeName);
  }

  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, storeName?: string): KTable<K, A> {
    return this.fold(aggregateAdder(initializer, aggregator), storeName);
  }

  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    // The windowed store is named only at count()/reduce()/aggregate(): the topic is named KSTREAM-REPARTITION-<n> here, not after it as in Kafka.
    const parent = () =>
      this.repartitionRequired ? addRepartition(this.graph, this.parentName, { name: this.graph.newName('KSTREAM-REPARTITION') }) : this.parentName;
    if (windows instanceof SessionWindows) return new SessionWindowedKStreamImpl<K, V>(this.graph, parent(), windows);
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedKStreamImpl<K, V>(this.graph, parent(), windows);
    throw new TypeError('windowedBy: expected TimeWindows, SlidingWindows or SessionWindows');
  }

  private fold<A>(adder: Adder<K, V, A>, storeName: string | undefined): KTable<K, A> {
    let parentName = this.parentName;
    let aggregateStore = storeName;
    if (this.repartitionRequired) {
      // As Kafka's GroupedStreamAggregateBuilder: the repartition topic is named after the aggregation's store.
      aggregateStore ??= this.graph.newName('KSTREAM-AGGREGATE-STATE-STORE');
      parentName = addRepartition(this.graph, parentName, { name: aggregateStore });
    }
    return materializedAggregation<K, A>(this.graph, parentName, aggregateStore, (context, name) => {
      const store = context.store<K, A>(name);
      const latest = new LatestTimestamps();
      return {
        process: (r) => {
          if (!isAggregatable(r.key, r.value)) return;
          const key = r.key as K;
          const oldValue = store.get(key);
          const value = adder(key, r.value as V, oldValue);
          store.put(key, value);
          // As Kafka Streams' KStreamAggregate: the largest timestamp the key has seen.
          context.forward({ key, value, oldValue: oldValue ?? null, timestamp: latest.update(key, oldValue !== undefined, r.timestamp) });
        },
      };
    });
  }
}
