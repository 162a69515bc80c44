/**
 * Where a record's event time comes from, per source, as Kafka Streams'
 * `TimestampExtractor` (`Consumed.with(…).withTimestampExtractor(…)`): here
 * `builder.stream(topic, { timestampExtractor })`.
 */
import type { Consumed } from './serdes.js';

/** A record as a timestamp extractor sees it: deserialized, with the timestamp it arrived with (the producer's or the broker's). */
export interface ConsumerRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
}

/**
 * Gives each record of a source its event time, in ms since the epoch: the
 * timestamp windows, stream time and everything downstream see. A negative
 * (or NaN) result drops the record, counted by `droppedRecords()`, as Kafka
 * Streams drops a record whose extracted timestamp is negative; a throw is the
 * record's failure (the test driver throws it, the Kafka runner logs it and
 * skips the record).
 */
export interface TimestampExtractor<K = unknown, V = unknown> {
  /** `partitionTime`: the largest timestamp extracted so far from the record's partition, −1 before the first. */
  extract(record: ConsumerRecord<K, V>, partitionTime: number): number;
}

/** What `builder.stream` and `builder.table` take: the serdes, and where event time comes from (default: the record's timestamp, failing on a negative one). */
export interface ConsumedWith<K, V> extends Consumed<K, V> {
  timestampExtractor?: TimestampExtractor<K, V>;
}

function invalid(record: ConsumerRecord<unknown, unknown>): boolean {
  return !Number.isFinite(record.timestamp) || record.timestamp < 0;
}

/** Kafka Streams' own extractors. */
export const TimestampExtractors = Object.freeze({
  /** Kafka's `FailOnInvalidTimestamp`, the default: the record's timestamp; throws on a negative one. */
  failOnInvalidTimestamp<K = unknown, V = unknown>(): TimestampExtractor<K, V> {
    return {
      extract(record) {
        if (invalid(record)) {
          throw new RangeError(
            `a record of ${record.topic} has an invalid timestamp (${record.timestamp}): a negative timestamp is not an event time`,
          );
        }
        return record.timestamp;
      },
    };
  },
  /** Kafka's `LogAndSkipOnInvalidTimestamp`: the record's timestamp; a negative one drops the record. */
  logAndSkipOnInvalidTimestamp<K = unknown, V = unknown>(): TimestampExtractor<K, V> {
    return { extract: (record) => (invalid(record) ? -1 : record.timestamp) };
  },
  /** Kafka's `UsePartitionTimeOnInvalidTimestamp`: the record's timestamp, or its partition's time when it is negative; throws when there is none yet. */
  usePartitionTimeOnInvalidTimestamp<K = unknown, V = unknown>(): TimestampExtractor<K, V> {
    return {
      extract(record, partitionTime) {
        if (!invalid(record)) return record.timestamp;
        if (partitionTime < 0) {
          throw new RangeError(`a record of ${record.topic} has an invalid timestamp (${record.timestamp}) and its partition has no time yet`);
        }
        return partitionTime;
      },
    };
  },
  /** Kafka's `WallclockTimestampExtractor`: processing time, the machine's clock when the record is read. */
  wallclock<K = unknown, V = unknown>(): TimestampExtractor<K, V> {
    return { extract: () => Date.now() };
  },
});
