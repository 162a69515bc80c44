import { BranchedKStreamImpl, type BranchedKStream } from './branched.js';
import { KGroupedStreamImpl, type KGroupedStream } from './grouped.js';
import type { Processor, ProcessorContext } from './processor.js';
import { scheduleFor } from './punctuation.js';
import type { KeyValue, StreamRecord } from './records.js';
import { addRepartition } from './repartition.js';
import type { Repartitioned } from './repartitioned.js';
import { keySerdeOf, valueSerdeOf, type Produced, type Serde } from './serdes.js';
import type { KeyValueStore } from './stores.js';
import { tableInternals, type KTable } from './ktable.js';
import { addStreamStreamJoin, type StreamJoined } from './stream-join.js';
import type { NodeContext, NodeInstance, NodeRecord, TopologyGraph } from './topology.js';
import type { JoinWindows } from './windows.js';

export interface KStream<K, V> {
  filter(predicate: (key: K, value: V) => boolean): KStream<K, V>;
  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V>;
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2>;
  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2>;
  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2>;
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2>;
  selectKey<K2>(mapper: (key: K, value: V) => K2): KStream<K2, V>;
  peek(action: (key: K, value: V) => void): KStream<K, V>;
  split(): BranchedKStream<K, V>;
  merge(other: KStream<K, V>): KStream<K, V>;
  to(topic: string, produced?: Produced<K, V>): void;
  groupByKey(): KGroupedStream<K, V>;
  groupBy<K2>(selector: (key: K, value: V) => K2): KGroupedStream<K2, V>;
  /** Inner: a record whose key has no table value (yet) is dropped, and so is a record with a null key or value. */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR): KStream<K, VR>;
  /**
   * Windowed stream–stream inner join: a record joins every record of the other stream with the same key whose
   * timestamp is within `windows` of its own (|t1 − t2| ≤ d), whichever arrives first; the result is stamped
   * max(t1, t2). Records with a null key or value are skipped; a record whose window has closed is dropped.
   */
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  /** Every record with a value is joined, a null key included (with no table value); a record with a null value is dropped. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | undefined, key: K) => VR): KStream<K, VR>;
  process<K2, V2>(supplier: () => Processor<K, V, K2, V2>, ...storeNames: string[]): KStream<K2, V2>;
  /**
   * Writes the stream to a repartition topic and reads it back (Kafka's `KStream#repartition`): each key's records
   * end up in one partition, and so in the task that keeps its state. Records with a null key are dropped.
   */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V>;
}

/** A stateless step: given a record, what to forward. */
type Step = (record: NodeRecord, forward: (record: NodeRecord) => void) => void;

export class KStreamImpl<K, V> implements KStream<K, V> {
  constructor(
    readonly graph: TopologyGraph,
    readonly nodeName: string,
    /**
     * The key may have changed since the stream was read (selectKey, map, flatMap): a stateful operation must
     * first repartition it, as Kafka's `repartitionRequired`, or a key's records would sit in several partitions.
     */
    readonly repartitionRequired = false,
  ) {}

  /** The repartitioned twin a join made of this stream, if any. */
  private joinRepartition: KStreamImpl<K, V> | undefined;

  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.step('KSTREAM-FILTER', KEY_KEPT, (r, forward) => {
      if (predicate(r.key as K, r.value as V)) forward(r);
    });
  }

  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.step('KSTREAM-FILTER', KEY_KEPT, (r, forward) => {
      if (!predicate(r.key as K, r.value as V)) forward(r);
    });
  }

  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2> {
    return this.step('KSTREAM-MAP', KEY_CHANGING, (r, forward) => {
      const { key, value } = mapper(r.key as K, r.value as V);
      forward({ key, value, timestamp: r.timestamp });
    });
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2> {
    return this.step('KSTREAM-MAPVALUES', KEY_KEPT, (r, forward) =>
      forward({ key: r.key, value: mapper(r.value as V, r.key as K), timestamp: r.timestamp }),
    );
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    return this.step('KSTREAM-FLATMAP', KEY_CHANGING, (r, forward) => {
      for (const { key, value } of mapper(r.key as K, r.value as V)) forward({ key, value, timestamp: r.timestamp });
    });
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2> {
    return this.step('KSTREAM-FLATMAPVALUES', KEY_KEPT, (r, forward) => {
      for (const value of mapper(r.value as V, r.key as K)) forward({ key: r.key, value, timestamp: r.timestamp });
    });
  }

  selectKey<K2>(mapper: (key: K, value: V) => K2): KStream<K2, V> {
    return this.step('KSTREAM-KEY-SELECT', KEY_CHANGING, (r, forward) =>
      forward({ key: mapper(r.key as K, r.value as V), value: r.value, timestamp: r.timestamp }),
    );
  }

  peek(action: (key: K, value: V) => void): KStream<K, V> {
    return this.step('KSTREAM-PEEK', KEY_KEPT, (r, forward) => {
      action(r.key as K, r.value as V);
      forward(r);
    });
  }

  split(): BranchedKStream<K, V> {
    return new BranchedKStreamImpl<K, V>(this.graph, this.nodeName, this.repartitionRequired);
  }

  merge(other: KStream<K, V>): KStream<K, V> {
    if (!(other instanceof KStreamImpl) || other.graph !== this.graph) throw new Error('merge: both streams must come from the same StreamsBuilder');
    const name = this.graph.addProcessor('KSTREAM-MERGE', [this.nodeName, other.nodeName], (context) => ({ process: (r) => context.forward(r) }));
    return new KStreamImpl(this.graph, name, this.repartitionRequired || other.repartitionRequired);
  }

  to(topic: string, produced?: Produced<K, V>): void {
    if (topic === '') throw new RangeError('to: a topic name is required');
    const keySerde = keySerdeOf(produced);
    const valueSerde = valueSerdeOf(produced);
    this.graph.addNode({
      name: this.graph.newName('KSTREAM-SINK'),
      parents: [this.nodeName],
      storeNames: [],
      sinkTopic: topic,
      create: (context) => ({
        process: (r) =>
          context.emit({ topic, key: keySerde.serialize(r.key as K), value: valueSerde.serialize(r.value as V), timestamp: r.timestamp }),
      }),
    });
  }

  groupByKey(): KGroupedStream<K, V> {
    return new KGroupedStreamImpl<K, V>(this.graph, this.nodeName, this.repartitionRequired);
  }

  groupBy<K2>(selector: (key: K, value: V) => K2): KGroupedStream<K2, V> {
    // A new key: the aggregation repartitions first.
    const rekeyed = this.selectKey(selector) as KStreamImpl<K2, V>;
    return new KGroupedStreamImpl<K2, V>(this.graph, rekeyed.nodeName, true);
  }

  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.graph.newName('KSTREAM-REPARTITION');
    const source = addRepartition(this.graph, this.nodeName, {
      name,
      keySerde: repartitioned?.keySerde as Serde<unknown> | undefined,
      valueSerde: repartitioned?.valueSerde as Serde<unknown> | undefined,
      numberOfPartitions: repartitioned?.numberOfPartitions,
    });
    return new KStreamImpl<K, V>(this.graph, source);
  }

  /**
   * This stream, through a repartition topic `<name>-repartition` first if its key may have changed (Kafka's
   * repartitionForJoin); made once, so that joining the stream twice (or with itself) reads the one topic, as in Kafka.
   */
  private repartitionedForJoin(name: string): KStreamImpl<K, V> {
    if (!this.repartitionRequired) return this;
    this.joinRepartition ??= new KStreamImpl<K, V>(this.graph, addRepartition(this.graph, this.nodeName, { name }));
    return this.joinRepartition;
  }

  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR): KStream<K, VR>;
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join<VT, VR>(
    other: KTable<K, VT> | KStream<K, VT>,
    joiner: (value: V, otherValue: VT, key: K) => VR,
    windows?: JoinWindows,
    streamJoined?: StreamJoined<K, V, VT>,
  ): KStream<K, VR> {
    if (other instanceof KStreamImpl) {
      if (other.graph !== this.graph) throw new Error('join: both streams must come from the same StreamsBuilder');
      if (windows === undefined) throw new TypeError('join: a stream–stream join needs JoinWindows');
      // As Kafka: each side whose key may have changed goes through a repartition topic named after its last node.
      const left = this.repartitionedForJoin(this.nodeName);
      const right = (other as KStreamImpl<K, VT>).repartitionedForJoin(other.nodeName);
      return new KStreamImpl(this.graph, addStreamStreamJoin(this.graph, left.nodeName, right.nodeName, joiner, windows, streamJoined));
    }
    const table = other as KTable<K, VT>;
    return this.joinTable('KSTREAM-JOIN', table, (value, tableValue, key) =>
      tableValue === undefined ? undefined : { joined: joiner(value, tableValue, key) },
    );
  }

  /** Every record with a value is joined, a null key included (with no table value); a record with a null value is dropped. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | undefined, key: K) => VR): KStream<K, VR> {
    return this.joinTable('KSTREAM-LEFTJOIN', table, (value, tableValue, key) => ({ joined: joiner(value, tableValue, key) }));
  }

  process<K2, V2>(supplier: () => Processor<K, V, K2, V2>, ...storeNames: string[]): KStream<K2, V2> {
    const name = this.graph.addProcessor(
      'KSTREAM-PROCESSOR',
      [this.nodeName],
      (context) => {
        const processor = supplier();
        processor.init?.(processorContext<K2, V2>(context, storeNames));
        return {
          process: (r) => processor.process({ key: r.key as K, value: r.value as V, timestamp: r.timestamp }),
          close: () => processor.close?.(),
        };
      },
      storeNames,
    );
    // Kafka takes process() as possibly key-changing (processValues is its key-keeping twin); here it keeps the flag as it is.
    return new KStreamImpl(this.graph, name, this.repartitionRequired);
  }

  private joinTable<VT, VR>(
    prefix: string,
    table: KTable<K, VT>,
    join: (value: V, tableValue: VT | undefined, key: K) => { joined: VR } | undefined,
  ): KStream<K, VR> {
    const internals = tableInternals(table);
    if (internals.graph !== this.graph) throw new Error('join: the stream and the table must come from the same StreamsBuilder');
    // The table is partitioned by its key: a stream whose key changed must be too, or it would look up the wrong partition's table.
    const stream = this.repartitionedForJoin(this.nodeName);
    const name = this.graph.addProcessor(
      prefix,
      [stream.nodeName],
      (context) => {
        const lookup = internals.valueGetter(context);
        return {
          process: (r) => {
            // As Kafka Streams (KStreamKTableJoinProcessor): a record without a value is skipped, and so is one
            // without a key, except by a left join, which joins it with no table value (since Kafka 3.7, KIP-962).
            if (r.value === null || r.value === undefined) return;
            const noKey = r.key === null || r.key === undefined;
            if (noKey && prefix !== 'KSTREAM-LEFTJOIN') return;
            const result = join(r.value as V, noKey ? undefined : (lookup(r.key) as VT | undefined), r.key as K);
            if (result !== undefined) context.forward({ key: r.key, value: result.joined, timestamp: r.timestamp });
          },
        };
      },
      internals.materializedStores,
    );
    return new KStreamImpl(this.graph, name);
  }

  private step<K2, V2>(prefix: string, keyChanging: boolean, step: Step): KStream<K2, V2> {
    const name = this.graph.addProcessor(
      prefix,
      [this.nodeName],
      (context): NodeInstance => ({
        process: (r) => step(r, (out) => context.forward(out)),
      }),
    );
    return new KStreamImpl<K2, V2>(this.graph, name, keyChanging || this.repartitionRequired);
  }
}

const KEY_CHANGING = true;
const KEY_KEPT = false;

function processorContext<K, V>(context: NodeContext, storeNames: readonly string[]): ProcessorContext<K, V> {
  return {
    forward: (record: StreamRecord<K, V>) => context.forward({ key: record.key, value: record.value, timestamp: record.timestamp }),
    getStateStore: <SK, SV>(name: string): KeyValueStore<SK, SV> => {
      if (!storeNames.includes(name)) {
        throw new Error(`the store "${name}" is not connected to this processor: pass its name to process(supplier, "${name}")`);
      }
      return context.store<SK, SV>(name);
    },
    get streamTimeMs() {
      return context.streamTimeMs;
    },
    schedule: (intervalMs, type, punctuator) => scheduleFor(context, intervalMs, type, punctuator),
  };
}
