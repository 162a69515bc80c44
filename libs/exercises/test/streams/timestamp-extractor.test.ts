import { describe, expect, it } from 'vitest';
import {
  KeyValue,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TimestampExtractors,
  TopologyTestDriver,
  type ConsumerRecord,
  type TimestampExtractor,
  type Windowed,
} from '../../src/index.js';

interface Event {
  readonly at?: number;
}

/** Event time from the value's `at`; the record's timestamp when it has none. */
const fromValue: TimestampExtractor<string, Event | null> = {
  extract: (record) => record.value?.at ?? record.timestamp,
};

/** in → (stateless) → out, read with this extractor. */
function passThrough(timestampExtractor?: TimestampExtractor<string, Event | null>) {
  const builder = new StreamsBuilder();
  builder.stream<string, Event | null>('in', { timestampExtractor }).to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, Event | null>('in'), output: driver.createOutputTopic<string, Event | null>('out') };
}

/** Counts per key in tumbling windows of 10 ms with 5 ms of grace, only final results. */
function windowedCounts(timestampExtractor: TimestampExtractor<string, Event | null>) {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Event | null>('in', { timestampExtractor })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, Event | null>('in'), output: driver.createOutputTopic<Windowed<string>, number>('out') };
}

const window = (key: string, start: number, end: number) => ({ key, window: { start, end } });

describe('TimestampExtractor (builder.stream(topic, { timestampExtractor }))', () => {
  it('the extracted time is the record’s timestamp downstream, whatever timestamp it arrived with', () => {
    const { input, output } = passThrough(fromValue);
    input.pipeInput('a', { at: 7 }, 1_000);
    input.pipeInput('b', {}, 2_000);
    expect(output.readRecordsToList()).toEqual([
      { key: 'a', value: { at: 7 }, timestamp: 7 },
      { key: 'b', value: {}, timestamp: 2_000 },
    ]);
  });

  it('windows and stream time follow the extracted time: out-of-order arrivals land in their own window, late ones are dropped', () => {
    const { driver, input, output } = windowedCounts(fromValue);
    // Arrival timestamps rise; event times do not.
    input.pipeInput('a', { at: 12 }, 100);
    input.pipeInput('a', { at: 3 }, 101); // stream time 12 < 10 + 5: window [0, 10) still takes it
    input.pipeInput('a', { at: 16 }, 102); // stream time 16: [0, 10) closes
    input.pipeInput('a', { at: 9 }, 103); // late for [0, 10): dropped
    input.pipeInput('a', { at: 40 }, 104); // closes [10, 20)
    expect({ results: output.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [
        { key: window('a', 0, 10), value: 1, timestamp: 3 },
        { key: window('a', 10, 20), value: 2, timestamp: 16 },
      ],
      droppedRecords: 1,
    });
  });

  it('a negative or NaN extracted time drops the record and counts it, moving neither stream time nor anything downstream', () => {
    const { driver, input, output } = windowedCounts({ extract: (record) => record.value?.at ?? Number.NaN });
    input.pipeInput('a', { at: 4 }, 0);
    input.pipeInput('a', { at: -1 }, 50);
    input.pipeInput('a', {}, 60); // NaN
    input.pipeInput('a', { at: 14 }, 70); // stream time 14 < 10 + 5: [0, 10) still open
    expect({ results: output.readKeyValuesToList(), droppedRecords: driver.droppedRecords() }).toEqual({ results: [], droppedRecords: 2 });
    input.pipeInput('a', { at: 15 }, 80);
    expect({ results: output.readKeyValuesToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [KeyValue.pair(window('a', 0, 10), 1)],
      droppedRecords: 2,
    });
  });

  it('the extractor gets the deserialized record (topic, partition, key, value, timestamp) and its partition’s time: the largest extracted so far, −1 at first', () => {
    const seen: { record: ConsumerRecord<string, Event | null>; partitionTime: number }[] = [];
    const { input } = passThrough({
      extract(record, partitionTime) {
        seen.push({ record, partitionTime });
        return record.value?.at ?? -1;
      },
    });
    input.pipeInput('a', { at: 20 }, 5);
    input.pipeInput('b', { at: 10 }, 6);
    input.pipeInput('c', { at: -3 }, 7); // dropped: does not move the partition's time
    input.pipeInput('d', { at: 30 }, 8);
    expect(seen).toEqual([
      { record: { topic: 'in', partition: 0, key: 'a', value: { at: 20 }, timestamp: 5 }, partitionTime: -1 },
      { record: { topic: 'in', partition: 0, key: 'b', value: { at: 10 }, timestamp: 6 }, partitionTime: 20 },
      { record: { topic: 'in', partition: 0, key: 'c', value: { at: -3 }, timestamp: 7 }, partitionTime: 20 },
      { record: { topic: 'in', partition: 0, key: 'd', value: { at: 30 }, timestamp: 8 }, partitionTime: 20 },
    ]);
  });

  it('each source has its own extractor; a source without one keeps the record’s timestamp', () => {
    const builder = new StreamsBuilder();
    const withTime = builder.stream<string, Event | null>('with-time', { timestampExtractor: fromValue });
    const plain = builder.stream<string, Event | null>('plain');
    withTime.merge(plain).to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, Event | null>('with-time').pipeInput('a', { at: 1 }, 500);
    driver.createInputTopic<string, Event | null>('plain').pipeInput('b', { at: 2 }, 600);
    expect(driver.createOutputTopic<string, Event | null>('out').readRecordsToList()).toEqual([
      { key: 'a', value: { at: 1 }, timestamp: 1 },
      { key: 'b', value: { at: 2 }, timestamp: 600 },
    ]);
  });

  it('builder.table takes an extractor too: the table’s updates carry the extracted time', () => {
    const builder = new StreamsBuilder();
    builder.table<string, Event | null>('in', { timestampExtractor: fromValue }).toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, Event | null>('in').pipeInput('a', { at: 42 }, 900);
    expect(driver.createOutputTopic<string, Event | null>('out').readRecordsToList()).toEqual([{ key: 'a', value: { at: 42 }, timestamp: 42 }]);
  });

  it('an extractor that throws fails the record in the driver; one returning something else than a number is a TypeError', () => {
    const throwing = passThrough({
      extract: () => {
        throw new Error('no time in this record');
      },
    });
    expect(() => throwing.input.pipeInput('a', {}, 1)).toThrow('no time in this record');
    const wrong = passThrough({ extract: (record) => String(record.timestamp) as unknown as number });
    expect(() => wrong.input.pipeInput('a', {}, 1)).toThrow(TypeError);
  });
});

describe('TimestampExtractors (Kafka Streams’ own)', () => {
  const record = (timestamp: number): ConsumerRecord<string, null> => ({ topic: 't', partition: 0, key: 'k', value: null, timestamp });

  it('failOnInvalidTimestamp (the default) keeps the record’s timestamp and throws on a negative one', () => {
    const extractor = TimestampExtractors.failOnInvalidTimestamp<string, null>();
    expect(extractor.extract(record(5), -1)).toEqual(5);
    expect(() => extractor.extract(record(-1), 10)).toThrow(RangeError);
  });

  it('logAndSkipOnInvalidTimestamp keeps the record’s timestamp and drops a record with a negative one', () => {
    const extractor = TimestampExtractors.logAndSkipOnInvalidTimestamp<string, null>();
    expect([extractor.extract(record(5), -1), extractor.extract(record(-1), 10)]).toEqual([5, -1]);
  });

  it('usePartitionTimeOnInvalidTimestamp puts a record with a negative timestamp at its partition’s time, and throws when there is none yet', () => {
    const extractor = TimestampExtractors.usePartitionTimeOnInvalidTimestamp<string, null>();
    expect([extractor.extract(record(5), 10), extractor.extract(record(-1), 10)]).toEqual([5, 10]);
    expect(() => extractor.extract(record(-1), -1)).toThrow(RangeError);
  });

  it('wallclock is processing time: the machine’s clock when the record is read, not its timestamp', () => {
    const before = Date.now();
    const extracted = TimestampExtractors.wallclock<string, null>().extract(record(5), -1);
    expect({ notBefore: extracted >= before, notAfter: extracted <= Date.now() }).toEqual({ notBefore: true, notAfter: true });
  });

  it('logAndSkipOnInvalidTimestamp in a topology: a record with no valid timestamp is dropped and counted, not thrown', () => {
    const { driver, input, output } = passThrough(TimestampExtractors.logAndSkipOnInvalidTimestamp());
    input.pipeInput('a', {}, -1);
    input.pipeInput('b', {}, 3);
    expect({ results: output.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [{ key: 'b', value: {}, timestamp: 3 }],
      droppedRecords: 1,
    });
  });
});
