import type { Serde } from './serdes.js';
import type { InMemoryKeyValueStore, StoreBuilder } from './stores.js';
import type { TimestampExtractor } from './timestamp-extractor.js';

/** What a built topology tells about itself. */
export interface Topology {
  describe(): string;
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly storeNames: readonly string[];
}

/** A record between processor nodes; table updates also carry the value they replace. */
export interface NodeRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly oldValue?: unknown;
}

/** A record leaving the topology, serialized with its sink's serdes. */
export interface SinkRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** What a running node may do; given by the runtime. */
export interface NodeContext {
  readonly streamTimeMs: number;
  /** To every child, or to the one named. */
  forward(record: NodeRecord, childName?: string): void;
  store<K, V>(name: string): InMemoryKeyValueStore<K, V>;
  emit(record: SinkRecord): void;
  recordDropped(): void;
}

export interface NodeInstance {
  process(record: NodeRecord): void;
  /** Called after every input record, once stream time may have moved. */
  onStreamTime?(): void;
  close?(): void;
}

export interface TopologyNode {
  readonly name: string;
  readonly parents: readonly string[];
  readonly children: string[];
  readonly storeNames: readonly string[];
  readonly sinkTopic?: string;
  create(context: NodeContext): NodeInstance;
}

export interface SourceDefinition {
  readonly nodeName: string;
  readonly topics: readonly string[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Where its records' event time comes from; none: the record's timestamp, failing on a negative one (Kafka's default). */
  readonly timestampExtractor?: TimestampExtractor;
}

/** The graph the builder grows and the runtime executes. */
export class TopologyGraph {
  readonly nodes = new Map<string, TopologyNode>();
  readonly sources: SourceDefinition[] = [];
  readonly stores = new Map<string, StoreBuilder>();
  private counter = 0;

  /** Kafka Streams style names: PREFIX-0000000003. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.counter++).padStart(10, '0')}`;
  }

  addNode(node: Omit<TopologyNode, 'children'>): string {
    if (this.nodes.has(node.name)) throw new Error(`two nodes are named ${node.name}`);
    for (const storeName of node.storeNames) {
      if (!this.stores.has(storeName)) throw new Error(`${node.name} uses the store "${storeName}", which was not added (builder.addStateStore)`);
    }
    for (const parent of node.parents) this.node(parent).children.push(node.name);
    this.nodes.set(node.name, { ...node, children: [] });
    return node.name;
  }

  addProcessor(
    prefix: string,
    parents: readonly string[],
    create: (context: NodeContext) => NodeInstance,
    storeNames: readonly string[] = [],
  ): string {
    return this.addNode({ name: this.newName(prefix), parents, storeNames, create });
  }

  addSource(topics: readonly string[], keySerde: Serde<unknown>, valueSerde: Serde<unknown>, timestampExtractor?: TimestampExtractor): string {
    if (topics.length === 0) throw new RangeError('a stream needs at least one topic');
    for (const topic of topics) {
      if (this.sources.some((source) => source.topics.includes(topic))) throw new Error(`the topic "${topic}" is already a source of this topology`);
    }
    const nodeName = this.addProcessor('KSTREAM-SOURCE', [], (context) => ({ process: (record) => context.forward(record) }));
    this.sources.push({ nodeName, topics, keySerde, valueSerde, timestampExtractor });
    return nodeName;
  }

  addStore(store: StoreBuilder): void {
    if (this.stores.has(store.name)) throw new Error(`a store named "${store.name}" already exists`);
    this.stores.set(store.name, store);
  }

  node(name: string): TopologyNode {
    const node = this.nodes.get(name);
    if (node === undefined) throw new Error(`no node named ${name}`);
    return node;
  }
}

/** A frozen view of the graph once build() is called. */
export class BuiltTopology implements Topology {
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly storeNames: readonly string[];

  constructor(readonly graph: TopologyGraph) {
    this.sourceTopics = Object.freeze(graph.sources.flatMap((source) => source.topics));
    const sinks = [...graph.nodes.values()].flatMap((node) => (node.sinkTopic === undefined ? [] : [node.sinkTopic]));
    this.sinkTopics = Object.freeze([...new Set(sinks)]);
    this.storeNames = Object.freeze([...graph.stores.keys()]);
  }

  describe(): string {
    const lines = ['Topologies:', '   Sub-topology: 0'];
    for (const node of this.graph.nodes.values()) {
      const source = this.graph.sources.find((s) => s.nodeName === node.name);
      const what = source ? ` (topics: [${source.topics.join(', ')}])` : node.sinkTopic !== undefined ? ` (topic: ${node.sinkTopic})` : '';
      const stores = node.storeNames.length > 0 ? ` (stores: [${node.storeNames.join(', ')}])` : '';
      lines.push(`    ${node.name}${what}${stores}`);
      lines.push(`      --> ${node.children.length > 0 ? node.children.join(', ') : 'none'}`);
      lines.push(`      <-- ${node.parents.length > 0 ? node.parents.join(', ') : 'none'}`);
    }
    return lines.join('\n');
  }
}

export function graphOf(topology: Topology): TopologyGraph {
  if (!(topology instanceof BuiltTopology)) throw new TypeError('expected a topology from StreamsBuilder.build()');
  return topology.graph;
}
