import { KStreamImpl, type KStream } from './kstream.js';
import { KTableImpl, type KTable } from './ktable.js';
import { keySerdeOf, valueSerdeOf } from './serdes.js';
import { Stores, type StoreBuilder } from './stores.js';
import type { ConsumedWith, TimestampExtractor } from './timestamp-extractor.js';
import { BuiltTopology, TopologyGraph, type Topology } from './topology.js';

export class StreamsBuilder {
  private readonly graph = new TopologyGraph();

  /**
   * The records of one or more topics. `consumed`: their serdes (JSON by
   * default) and their `timestampExtractor` (default: the record's timestamp),
   * as Kafka's `Consumed.with(keySerde, valueSerde).withTimestampExtractor(…)`.
   */
  stream<K = unknown, V = unknown>(topic: string | readonly string[], consumed?: ConsumedWith<K, V>): KStream<K, V> {
    const topics = typeof topic === 'string' ? [topic] : [...topic];
    const name = this.graph.addSource(topics, keySerdeOf(consumed), valueSerdeOf(consumed), extractorOf(consumed));
    return new KStreamImpl<K, V>(this.graph, name);
  }

  /** The latest value of every key of a topic; a null value (tombstone) deletes the key. */
  table<K = unknown, V = unknown>(topic: string, consumed?: ConsumedWith<K, V> & { storeName?: string }): KTable<K, V> {
    const source = this.graph.addSource([topic], keySerdeOf(consumed), valueSerdeOf(consumed), extractorOf(consumed));
    const storeName = consumed?.storeName ?? this.graph.newName(`${topic}-STATE-STORE`);
    this.graph.addStore(Stores.keyValueStore(storeName, { keySerde: consumed?.keySerde, valueSerde: consumed?.valueSerde }));
    const nodeName = this.graph.addProcessor(
      'KTABLE-SOURCE',
      [source],
      (context) => {
        const store = context.store<K, V>(storeName);
        return {
          process: (r) => {
            if (r.key === null || r.key === undefined) return;
            const key = r.key as K;
            const oldValue = store.get(key) ?? null;
            if (r.value === null || r.value === undefined) store.delete(key);
            else store.put(key, r.value as V);
            context.forward({ key, value: r.value ?? null, oldValue, timestamp: r.timestamp });
          },
        };
      },
      [storeName],
    );
    return new KTableImpl<K, V>({
      graph: this.graph,
      nodeName,
      materializedStores: [storeName],
      valueGetter: (context) => {
        const store = context.store(storeName);
        return (key) => store.get(key);
      },
    });
  }

  /** A store for process(); connect it by passing its name to process(supplier, name). */
  addStateStore(store: StoreBuilder): this {
    this.graph.addStore(store);
    return this;
  }

  build(): Topology {
    return new BuiltTopology(this.graph);
  }
}

/** The graph holds sources of every type; the extractor sees what this source's serdes read. */
function extractorOf<K, V>(consumed: ConsumedWith<K, V> | undefined): TimestampExtractor | undefined {
  return consumed?.timestampExtractor as TimestampExtractor | undefined;
}
