import { PunctuationQueue, PunctuationType, registerSchedule } from './punctuation.js';
import { Stores, type InMemoryKeyValueStore, type StoreChangeListener } from './stores.js';
import {
  graphOf,
  type NodeContext,
  type NodeInstance,
  type SinkRecord,
  type SourceDefinition,
  type Topology,
  type TopologyGraph,
  type TopologyNode,
} from './topology.js';

/** Holds stream time, so that windows close where they should after a restart. */
export const STREAM_TIME_STORE = 'banana-stream-time';
const STREAM_TIME_KEY = 'streamTimeMs';

export interface RuntimeOptions {
  /** Every store write, as changelog bytes; restores do not call it. */
  onStoreChange?: StoreChangeListener;
  /** The wall clock that WALL_CLOCK_TIME punctuations follow, in ms; default Date.now. */
  wallClock?: () => number;
  /** Where a sink's records go instead of its own topic (`--live`: a participant's own topics on the game's broker); default: the sink's topic. */
  outputTopicFor?: (topic: string) => string;
  /** Kafka's application.id: a repartition topic `<name>` is `${applicationId}-<name>`; required when the topology has any. */
  applicationId?: string;
}

/**
 * Executes a topology, one input record at a time, for both runners. A single
 * task: one stream time for the whole topology, every key in every store.
 */
export class TopologyRuntime {
  private readonly graph: TopologyGraph;
  private readonly stores = new Map<string, InMemoryKeyValueStore<unknown, unknown>>();
  private readonly streamTimeStore: InMemoryKeyValueStore<string, number>;
  private readonly sourcesByTopic = new Map<string, SourceDefinition>();
  /** Each repartition topic's full name (`<application id>-<name>`), by its name in the topology. */
  private readonly internalTopicNames = new Map<string, string>();
  private instances: Map<string, NodeInstance> | undefined;
  private streamTime = -1;
  /** Per `topic/partition`: the largest event time extracted from it, what an extractor gets as partitionTime (in memory: −1 again after a restart). */
  private readonly partitionTimes = new Map<string, number>();
  private dropped = 0;
  private pending: SinkRecord[] = [];
  private closed = false;
  private readonly wallClock: () => number;
  private readonly outputTopicFor: ((topic: string) => string) | undefined;
  private readonly streamTimePunctuations = new PunctuationQueue();
  private readonly wallClockPunctuations = new PunctuationQueue();

  constructor(topology: Topology, options: RuntimeOptions = {}) {
    this.graph = graphOf(topology);
    this.wallClock = options.wallClock ?? Date.now;
    this.outputTopicFor = options.outputTopicFor;
    for (const [name, builder] of this.graph.stores) this.stores.set(name, builder.build(options.onStoreChange));
    this.streamTimeStore = Stores.keyValueStore<string, number>(STREAM_TIME_STORE).build(options.onStoreChange);
    const repartitionTopics = topology.repartitionTopics;
    if (repartitionTopics.length > 0 && (options.applicationId === undefined || options.applicationId === '')) {
      throw new RangeError(
        `this topology writes to repartition topics (${repartitionTopics.join(', ')}): RuntimeOptions.applicationId is needed to name them`,
      );
    }
    for (const name of repartitionTopics) this.internalTopicNames.set(name, `${options.applicationId}-${name}`);
    for (const source of this.graph.sources) {
      for (const topic of source.topics) this.sourcesByTopic.set(source.internal ? this.internalTopic(topic) : topic, source);
    }
  }

  /** The repartition topics' full names, `<application id>-<name>`: read and written by the runtime, not the app's inputs or outputs. */
  get internalTopics(): readonly string[] {
    return [...this.internalTopicNames.values()];
  }

  /** Every store backed by a changelog, the internal stream-time store included. */
  get changelogStoreNames(): readonly string[] {
    return [...this.stores.keys(), STREAM_TIME_STORE];
  }

  get sourceTopics(): readonly string[] {
    return [...this.sourcesByTopic.keys()];
  }

  get streamTimeMs(): number {
    // Before the first record, stream time is whatever a restore brought back.
    return this.instances === undefined ? (this.streamTimeStore.get(STREAM_TIME_KEY) ?? -1) : this.streamTime;
  }

  droppedRecords(): number {
    return this.dropped;
  }

  store<K, V>(name: string): InMemoryKeyValueStore<K, V> {
    const store = name === STREAM_TIME_STORE ? this.streamTimeStore : this.stores.get(name);
    if (store === undefined) throw new Error(`no store named "${name}" (stores: ${[...this.stores.keys()].join(', ') || 'none'})`);
    return store as unknown as InMemoryKeyValueStore<K, V>;
  }

  /** Replays one changelog record; only before the first input record. */
  restore(storeName: string, key: Buffer, value: Buffer | null): void {
    if (this.instances !== undefined) throw new Error('stores can only be restored before processing starts');
    this.store(storeName).restore(key, value);
  }

  /**
   * Runs one record of a source topic through the topology; returns what its
   * sinks wrote. Its event time is what the source's timestamp extractor makes
   * of it (none: `timestamp`, which must then be 0 or more); a negative or NaN
   * extracted time drops the record, counted by droppedRecords().
   */
  process(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, partition = 0): SinkRecord[] {
    if (this.closed) throw new Error('the topology was closed');
    const source = this.sourcesByTopic.get(topic);
    if (source === undefined) throw new Error(`"${topic}" is not a source topic of this topology (sources: ${this.sourceTopics.join(', ')})`);
    const extractor = source.timestampExtractor;
    if (extractor === undefined && (!Number.isFinite(timestamp) || timestamp < 0)) {
      throw new RangeError(`a record needs a timestamp of 0 or more ms, got ${timestamp}`);
    }
    const instances = this.start();
    try {
      const deserialized = { key: source.keySerde.deserialize(key), value: source.valueSerde.deserialize(value) };
      const partitionId = `${topic}/${partition}`;
      const partitionTime = this.partitionTimes.get(partitionId) ?? -1;
      const eventTime = extractor === undefined ? timestamp : extractor.extract({ topic, partition, ...deserialized, timestamp }, partitionTime);
      if (typeof eventTime !== 'number') throw new TypeError(`the timestamp extractor of ${topic} returned ${typeof eventTime}, not a number of ms`);
      if (!Number.isFinite(eventTime) || eventTime < 0) {
        // Kafka Streams' RecordQueue: "Skipping record due to negative extracted timestamp", metric dropped-records.
        this.dropped += 1;
        return [];
      }
      if (eventTime > partitionTime) this.partitionTimes.set(partitionId, eventTime);
      const record = { ...deserialized, timestamp: eventTime };
      if (eventTime > this.streamTime) {
        this.streamTime = eventTime;
        this.streamTimeStore.put(STREAM_TIME_KEY, eventTime);
      }
      instances.get(source.nodeName)?.process(record);
      // As Kafka's StreamTask after each record: maybePunctuateStreamTime.
      this.streamTimePunctuations.mayPunctuate(this.streamTime);
      return this.pending;
    } finally {
      this.pending = [];
    }
  }

  /**
   * Fires the WALL_CLOCK_TIME punctuations due at the wall clock's time (Kafka's
   * StreamTask#maybePunctuateSystemTime); returns what their processors sent to sinks.
   * Starts the nodes if no record did yet, so only after any restore.
   */
  punctuateWallClock(): SinkRecord[] {
    if (this.closed) throw new Error('the topology was closed');
    this.start();
    try {
      this.wallClockPunctuations.mayPunctuate(this.wallClock());
      return this.pending;
    } finally {
      this.pending = [];
    }
  }

  /** Starts the nodes now (their init() runs, punctuations are scheduled) rather than at the first record; only after any restore. */
  init(): void {
    if (this.closed) throw new Error('the topology was closed');
    this.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.streamTimePunctuations.clear();
    this.wallClockPunctuations.clear();
    for (const instance of this.instances?.values() ?? []) instance.close?.();
  }

  /** A sink's record as it leaves: a repartition topic by its full name, any other topic where outputTopicFor sends it. */
  private emitted(node: TopologyNode, record: SinkRecord): SinkRecord {
    if (node.internal) return { ...record, topic: this.internalTopic(record.topic) };
    return this.outputTopicFor === undefined ? record : { ...record, topic: this.outputTopicFor(record.topic) };
  }

  private internalTopic(name: string): string {
    const topic = this.internalTopicNames.get(name);
    if (topic === undefined)
      throw new Error(`"${name}" is not a repartition topic of this topology (${[...this.internalTopicNames.keys()].join(', ') || 'none'})`);
    return topic;
  }

  /** Nodes start after any restore, so a processor's init() sees restored stores and stream time. */
  private start(): Map<string, NodeInstance> {
    if (this.instances !== undefined) return this.instances;
    this.streamTime = this.streamTimeStore.get(STREAM_TIME_KEY) ?? -1;
    const instances = new Map<string, NodeInstance>();
    this.instances = instances;
    for (const node of this.graph.nodes.values()) instances.set(node.name, node.create(this.contextFor(node.name, instances)));
    return instances;
  }

  private contextFor(nodeName: string, instances: Map<string, NodeInstance>): NodeContext {
    const node = this.graph.node(nodeName);
    const runtime = this;
    const context: NodeContext = {
      get streamTimeMs() {
        return runtime.streamTime;
      },
      forward: (record, childName) => {
        for (const child of node.children) {
          if (childName === undefined || child === childName) instances.get(child)?.process(record);
        }
      },
      store: <K, V>(name: string) => {
        if (!node.storeNames.includes(name)) throw new Error(`${nodeName} is not connected to the store "${name}"`);
        return this.store<K, V>(name);
      },
      emit: (record) => this.pending.push(this.emitted(node, record)),
      recordDropped: () => {
        this.dropped += 1;
      },
    };
    // Kafka's StreamTask#schedule: stream time aligned to 0 (so the first record makes it fire), wall clock to now.
    registerSchedule(context, (intervalMs, type, punctuator) => {
      if (type === PunctuationType.STREAM_TIME) return this.streamTimePunctuations.schedule(0, intervalMs, punctuator);
      if (type === PunctuationType.WALL_CLOCK_TIME) return this.wallClockPunctuations.schedule(this.wallClock() + intervalMs, intervalMs, punctuator);
      throw new RangeError(`unknown punctuation type ${String(type)} (PunctuationType.STREAM_TIME or WALL_CLOCK_TIME)`);
    });
    return context;
  }
}
