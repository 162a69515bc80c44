/**
 * Banana Streams: a small Kafka Streams look-alike that the morning katas are
 * written with, run in memory by TopologyTestDriver or on a broker by KafkaStreams.
 */
export { KeyValue, type StreamRecord } from './streams/records.js';
export { Serdes, type Serde, type Consumed, type Produced } from './streams/serdes.js';
export {
  TimeWindows,
  SlidingWindows,
  SessionWindows,
  JoinWindows,
  Suppressed,
  type Window,
  type Windowed,
  type WindowClosing,
} from './streams/windows.js';
export { Stores, InMemoryKeyValueStore, type KeyValueStore, type StoreBuilder, type StoreChangeListener } from './streams/stores.js';
export type { Processor, ProcessorContext } from './streams/processor.js';
export { PunctuationType, type Punctuator, type Cancellable } from './streams/punctuation.js';
export type { Topology, SinkRecord, RepartitionTopicSpec } from './streams/topology.js';
export { Repartitioned } from './streams/repartitioned.js';
export { Materialized } from './streams/materialized.js';
export { StreamsBuilder } from './streams/builder.js';
export { TimestampExtractors, type TimestampExtractor, type ConsumerRecord, type ConsumedWith } from './streams/timestamp-extractor.js';
export type { KStream } from './streams/kstream.js';
export type { StreamJoined } from './streams/stream-join.js';
export type { BranchedKStream } from './streams/branched.js';
export type { KGroupedStream } from './streams/grouped.js';
export type { TimeWindowedKStream } from './streams/time-windowed.js';
export type { SessionWindowedKStream } from './streams/session-windowed.js';
export type { KTable } from './streams/ktable.js';
export { TopologyRuntime, STREAM_TIME_STORE, type RuntimeOptions } from './streams/runtime.js';
export {
  TopologyTestDriver,
  TEST_DRIVER_APPLICATION_ID,
  type TestInputTopic,
  type TestOutputTopic,
  type TopologyTestDriverOptions,
} from './streams/test-driver.js';
export { KafkaStreams, changelogTopic, type KafkaStreamsConfig, type KafkaStreamsState } from './streams/kafka-streams.js';
export { PROCESSING_GUARANTEES, type ProcessingGuarantee } from './streams/delivery.js';
export { silentLogger, stderrLogger, type StreamsLogger } from './streams/logger.js';
