import type { KeyValue, StreamRecord } from './records.js';
import { keySerdeOf, valueSerdeOf, type Consumed } from './serdes.js';
import type { KeyValueStore } from './stores.js';
import { TopologyRuntime } from './runtime.js';
import type { SinkRecord, Topology } from './topology.js';

export interface TestInputTopic<K, V> {
  /** Without a timestamp: this topic's previous one (0 at first), moved by advanceTime. */
  pipeInput(key: K, value: V, timestamp?: number): void;
  /** With a null key. */
  pipeValue(value: V, timestamp?: number): void;
  pipeRecords(records: Iterable<{ key?: K; value: V; timestamp?: number }>): void;
  advanceTime(ms: number): void;
}

export interface TestOutputTopic<K, V> {
  /** These three throw when the topic is empty. */
  readKeyValue(): KeyValue<K, V>;
  readValue(): V;
  readRecord(): StreamRecord<K, V>;
  readKeyValuesToList(): KeyValue<K, V>[];
  readValuesToList(): V[];
  readRecordsToList(): StreamRecord<K, V>[];
  isEmpty(): boolean;
  getQueueSize(): number;
}

export interface TopologyTestDriverOptions {
  /** Where the driver's mock wall clock starts, in ms (Kafka's initialWallClockTime); default Date.now(). */
  readonly initialWallClockTimeMs?: number;
  /** Names the repartition topics, `<applicationId>-<name>`; default, as Kafka's driver, `dummy-topology-test-driver-app-id`. */
  readonly applicationId?: string;
}

/** Kafka's TopologyTestDriver uses this application.id when its config has none. */
export const TEST_DRIVER_APPLICATION_ID = 'dummy-topology-test-driver-app-id';

/**
 * Runs a topology synchronously in memory: every piped record goes through
 * serialize → deserialize, like on Kafka, and what sinks write to a topic the
 * topology also reads is fed back in, as the broker would. So are the records
 * of repartition topics, first in first out, right after the input record
 * that caused them (as Kafka's driver does); a test cannot read those.
 */
export class TopologyTestDriver {
  private readonly runtime: TopologyRuntime;
  private readonly outputs = new Map<string, SinkRecord[]>();
  /** The mock wall clock: moves only with advanceWallClockTime. */
  private wallClockMs: number;
  private readonly applicationId: string;

  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    this.wallClockMs = options.initialWallClockTimeMs ?? Date.now();
    this.applicationId = options.applicationId ?? TEST_DRIVER_APPLICATION_ID;
    this.runtime = new TopologyRuntime(topology, { wallClock: () => this.wallClockMs, applicationId: this.applicationId });
    // As Kafka's driver, the processors start now: their init() runs and schedules at the initial wall clock.
    this.runtime.init();
  }

  /**
   * Moves the mock wall clock `ms` forward and fires the WALL_CLOCK_TIME
   * punctuations now due (each at most once, as Kafka's driver does); stream
   * time does not move.
   */
  advanceWallClockTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceWallClockTime takes 0 or more ms, got ${ms}`);
    this.wallClockMs += ms;
    this.deliver(this.runtime.punctuateWallClock());
  }

  /** The mock wall clock, in ms. */
  get wallClockTimeMs(): number {
    return this.wallClockMs;
  }

  createInputTopic<K, V>(topic: string, consumed?: Consumed<K, V>): TestInputTopic<K, V> {
    if (!this.runtime.sourceTopics.includes(topic)) {
      throw new Error(`"${topic}" is not a source topic of this topology (sources: ${this.runtime.sourceTopics.join(', ')})`);
    }
    const keySerde = keySerdeOf(consumed);
    const valueSerde = valueSerdeOf(consumed);
    let nextTimestamp = 0;
    const pipe = (key: K, value: V, timestamp?: number) => {
      const at = timestamp ?? nextTimestamp;
      nextTimestamp = at;
      this.pipe({ topic, key: keySerde.serialize(key), value: valueSerde.serialize(value), timestamp: at });
    };
    return {
      pipeInput: pipe,
      pipeValue: (value, timestamp) => pipe(null as K, value, timestamp),
      pipeRecords: (records) => {
        for (const record of records) pipe((record.key ?? null) as K, record.value, record.timestamp);
      },
      advanceTime: (ms) => {
        if (!(ms >= 0)) throw new RangeError(`advanceTime takes 0 or more ms, got ${ms}`);
        nextTimestamp += ms;
      },
    };
  }

  createOutputTopic<K, V>(topic: string, consumed?: Consumed<K, V>): TestOutputTopic<K, V> {
    const internal = this.runtime.internalTopics.find((name) => name === topic || name === `${this.applicationId}-${topic}`);
    if (internal !== undefined) {
      throw new Error(
        `"${topic}" is the repartition topic ${internal}: its records go straight back into the topology, read an output topic instead`,
      );
    }
    const keySerde = keySerdeOf(consumed);
    const valueSerde = valueSerdeOf(consumed);
    const queue = () => this.queue(topic);
    const read = (): StreamRecord<K, V> => {
      const record = queue().shift();
      if (record === undefined) throw new Error(`the output topic "${topic}" is empty`);
      return { key: keySerde.deserialize(record.key), value: valueSerde.deserialize(record.value), timestamp: record.timestamp };
    };
    const readAll = () => Array.from({ length: queue().length }, read);
    return {
      readRecord: read,
      readKeyValue: () => {
        const { key, value } = read();
        return { key, value };
      },
      readValue: () => read().value,
      readRecordsToList: readAll,
      readKeyValuesToList: () => readAll().map(({ key, value }) => ({ key, value })),
      readValuesToList: () => readAll().map((record) => record.value),
      isEmpty: () => queue().length === 0,
      getQueueSize: () => queue().length,
    };
  }

  /** Any store of the topology, aggregation stores included. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.runtime.store<K, V>(name);
  }

  droppedRecords(): number {
    return this.runtime.droppedRecords();
  }

  close(): void {
    this.runtime.close();
  }

  private pipe(first: SinkRecord): void {
    this.deliver([], [first]);
  }

  /** Queues what sinks wrote, and feeds what went to a source topic back in, until nothing is left. */
  private deliver(outputs: readonly SinkRecord[], waiting: SinkRecord[] = []): void {
    const keep = (written: readonly SinkRecord[]) => {
      for (const output of written) {
        // A repartition topic is the topology's own: its records only go back in.
        if (!this.runtime.internalTopics.includes(output.topic)) this.queue(output.topic).push(output);
        if (this.runtime.sourceTopics.includes(output.topic)) waiting.push(output);
      }
    };
    keep(outputs);
    for (let record = waiting.shift(); record !== undefined; record = waiting.shift()) {
      keep(this.runtime.process(record.topic, record.key, record.value, record.timestamp));
    }
  }

  private queue(topic: string): SinkRecord[] {
    let queue = this.outputs.get(topic);
    if (queue === undefined) {
      queue = [];
      this.outputs.set(topic, queue);
    }
    return queue;
  }
}
