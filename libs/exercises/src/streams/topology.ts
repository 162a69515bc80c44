import type { Serde } from './serdes.js';
import type { InMemoryKeyValueStore, StoreBuilder } from './stores.js';
import type { TimestampExtractor } from './timestamp-extractor.js';

/** What a built topology tells about itself. */
export interface Topology {
  describe(): string;
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  readonly storeNames: readonly string[];
  /** The repartition topics, by their names without the application id (`<name>-repartition`): the runtime's are `<application id>-<name>`. */
  readonly repartitionTopics: readonly string[];
  /** The same, each with the partition count asked for in `Repartitioned`, if any. */
  readonly repartitionTopicSpecs: readonly RepartitionTopicSpec[];
}

/** A repartition topic: its name without the application id, and the partitions `Repartitioned.withNumberOfPartitions` asked for. */
export interface RepartitionTopicSpec {
  readonly name: string;
  readonly partitions?: number;
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
  close?(): void;
}

export interface TopologyNode {
  readonly name: string;
  readonly parents: readonly string[];
  readonly children: string[];
  readonly storeNames: readonly string[];
  readonly sinkTopic?: string;
  /** Its sinkTopic is a repartition topic: the runtime writes to `<application id>-<sinkTopic>`. */
  readonly internal?: boolean;
  create(context: NodeContext): NodeInstance;
}

export interface SourceDefinition {
  readonly nodeName: string;
  readonly topics: readonly string[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Where its records' event time comes from; none: the record's timestamp, failing on a negative one (Kafka's default). */
  readonly timestampExtractor?: TimestampExtractor;
  /** Its topic is a repartition topic: the runtime reads `<application id>-<topic>`. */
  readonly internal?: boolean;
}

/** The graph the builder grows and the runtime executes. */
export class TopologyGraph {
  readonly nodes = new Map<string, TopologyNode>();
  readonly sources: SourceDefinition[] = [];
  readonly stores = new Map<string, StoreBuilder>();
  readonly repartitionTopics: RepartitionTopicSpec[] = [];
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

  addSource(
    topics: readonly string[],
    keySerde: Serde<unknown>,
    valueSerde: Serde<unknown>,
    timestampExtractor?: TimestampExtractor,
    internal = false,
  ): string {
    if (topics.length === 0) throw new RangeError('a stream needs at least one topic');
    for (const topic of topics) {
      if (this.sources.some((source) => source.topics.includes(topic))) throw new Error(`the topic "${topic}" is already a source of this topology`);
    }
    const nodeName = this.addProcessor('KSTREAM-SOURCE', [], (context) => ({ process: (record) => context.forward(record) }));
    this.sources.push({ nodeName, topics, keySerde, valueSerde, timestampExtractor, internal });
    return nodeName;
  }

  /** Registers a repartition topic; two with the same name would mix two streams in one topic, as Kafka refuses too. */
  addRepartitionTopic(spec: RepartitionTopicSpec): void {
    if (this.repartitionTopics.some((topic) => topic.name === spec.name)) {
      throw new Error(`the repartition topic "${spec.name}" is already used by this topology: give each repartition a name of its own`);
    }
    this.repartitionTopics.push(spec);
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
  readonly repartitionTopics: readonly string[];
  readonly repartitionTopicSpecs: readonly RepartitionTopicSpec[];

  constructor(readonly graph: TopologyGraph) {
    // Repartition topics are neither the app's inputs nor its outputs: the runner names and creates them itself.
    this.sourceTopics = Object.freeze(graph.sources.flatMap((source) => (source.internal ? [] : source.topics)));
    const sinks = [...graph.nodes.values()].flatMap((node) => (node.sinkTopic === undefined || node.internal ? [] : [node.sinkTopic]));
    this.sinkTopics = Object.freeze([...new Set(sinks)]);
    this.storeNames = Object.freeze([...graph.stores.keys()]);
    this.repartitionTopicSpecs = Object.freeze(graph.repartitionTopics.map((spec) => Object.freeze({ ...spec })));
    this.repartitionTopics = Object.freeze(graph.repartitionTopics.map((spec) => spec.name));
  }

  /** As Kafka's TopologyDescription: one sub-topology per group of connected nodes, a repartition topic being where one ends and another starts. */
  describe(): string {
    const lines = ['Topologies:'];
    for (const [index, nodes] of subTopologies(this.graph).entries()) {
      lines.push(`   Sub-topology: ${index}`);
      for (const node of nodes) {
        const source = this.graph.sources.find((s) => s.nodeName === node.name);
        const what = source ? ` (topics: [${source.topics.join(', ')}])` : node.sinkTopic !== undefined ? ` (topic: ${node.sinkTopic})` : '';
        const stores = node.storeNames.length > 0 ? ` (stores: [${node.storeNames.join(', ')}])` : '';
        lines.push(`    ${node.name}${what}${stores}`);
        lines.push(`      --> ${node.children.length > 0 ? node.children.join(', ') : 'none'}`);
        lines.push(`      <-- ${node.parents.length > 0 ? node.parents.join(', ') : 'none'}`);
      }
    }
    return lines.join('\n');
  }
}

/** The nodes grouped as Kafka groups them into sub-topologies: linked by a parent or by a store they share; in order of their first node. */
function subTopologies(graph: TopologyGraph): TopologyNode[][] {
  const root = new Map<string, string>();
  const find = (name: string): string => {
    const parent = root.get(name) ?? name;
    if (parent === name) return name;
    const top = find(parent);
    root.set(name, top);
    return top;
  };
  const union = (a: string, b: string) => root.set(find(a), find(b));
  const storeUser = new Map<string, string>();
  for (const node of graph.nodes.values()) {
    for (const parent of node.parents) union(node.name, parent);
    for (const store of node.storeNames) {
      const other = storeUser.get(store);
      if (other === undefined) storeUser.set(store, node.name);
      else union(node.name, other);
    }
  }
  const groups = new Map<string, TopologyNode[]>();
  for (const node of graph.nodes.values()) {
    const group = groups.get(find(node.name)) ?? [];
    group.push(node);
    groups.set(find(node.name), group);
  }
  return [...groups.values()];
}

export function graphOf(topology: Topology): TopologyGraph {
  if (!(topology instanceof BuiltTopology)) throw new TypeError('expected a topology from StreamsBuilder.build()');
  return topology.graph;
}
