/**
 * Scenarios ported from Kafka Streams' own tests (apache/kafka,
 * streams/src/test/java/org/apache/kafka/streams/…): the same inputs, with
 * timestamps, and the records Kafka expects, with their timestamps, replayed
 * through this DSL's TopologyTestDriver. Each test names the Kafka test it
 * comes from. Kafka's tests without caching are the reference (the DSL has no
 * cache: every update goes downstream).
 */
import { describe, expect, it } from 'vitest';
import {
  KeyValue,
  SessionWindows,
  SlidingWindows,
  Stores,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
  type KGroupedStream,
  type KStream,
  type KTable,
  type Windowed,
  Materialized,
} from '../src/index.js';

type Out<V> = { key: Windowed<string>; value: V | null; timestamp: number };
const w = <V>(key: string, start: number, end: number, value: V | null, timestamp: number): Out<V> => ({
  key: { key, window: { start, end } },
  value,
  timestamp,
});

/** SessionWindowedKStreamImplTest: gap 500 ms, no grace, and its processData() input. */
function sessionWindowed<V>(build: (windowed: ReturnType<typeof sessionStream>) => void) {
  const builder = new StreamsBuilder();
  build(sessionStream(builder));
  const driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic<string, string>('input');
  input.pipeInput('1', '1', 10);
  input.pipeInput('1', '2', 15);
  input.pipeInput('1', '3', 600);
  input.pipeInput('2', '1', 600);
  input.pipeInput('2', '2', 599);
  return { driver, out: driver.createOutputTopic<Windowed<string>, V | null>('out').readRecordsToList() };
}

function sessionStream(builder: StreamsBuilder) {
  return builder.stream<string, string>('input').groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500));
}

describe('Kafka Streams semantics: session windows', () => {
  it('SessionWindowedKStreamImplTest#shouldCountSessionWindowedWithCachingDisabled: merges retract the old session, each update at its session end', () => {
    const { out } = sessionWindowed<number>((s) => s.count().toStream().to('out'));
    expect(out).toEqual([
      w('1', 10, 10, 1, 10),
      w('1', 10, 10, null, 10),
      w('1', 10, 15, 2, 15),
      w('1', 600, 600, 1, 600),
      w('2', 600, 600, 1, 600),
      w('2', 600, 600, null, 600),
      w('2', 599, 600, 2, 600),
    ]);
  });

  it('SessionWindowedKStreamImplTest#shouldReduceWindowed', () => {
    const { out } = sessionWindowed<string>((s) =>
      s
        .reduce((a, b) => `${a}+${b}`)
        .toStream()
        .to('out'),
    );
    expect(out).toEqual([
      w('1', 10, 10, '1', 10),
      w('1', 10, 10, null, 10),
      w('1', 10, 15, '1+2', 15),
      w('1', 600, 600, '3', 600),
      w('2', 600, 600, '1', 600),
      w('2', 600, 600, null, 600),
      w('2', 599, 600, '1+2', 600),
    ]);
  });

  it('SessionWindowedKStreamImplTest#shouldAggregateSessionWindowed: merger(initializer(), session) comes before the aggregator, even for one session', () => {
    const { out } = sessionWindowed<string>((s) =>
      s
        .aggregate(
          () => '0',
          (_k, v, agg) => `${agg}+${v}`,
          (_k, a, b) => `${a}+${b}`,
        )
        .toStream()
        .to('out'),
    );
    expect(out).toEqual([
      w('1', 10, 10, '0+1', 10),
      w('1', 10, 10, null, 10),
      w('1', 10, 15, '0+0+1+2', 15),
      w('1', 600, 600, '0+3', 600),
      w('2', 600, 600, '0+1', 600),
      w('2', 600, 600, null, 600),
      w('2', 599, 600, '0+0+1+2', 600),
    ]);
  });

  it('SessionWindowedKStreamImplTest#shouldMaterializeCount: the store no longer returns the expired session [10, 15]', () => {
    // Kafka's test still finds [10, 15] because its cache (on by default there) holds it; its session store itself
    // hides it, as TimeWindowedKStreamImplTest#shouldMaterializeCount says without cache: retention gap + grace = 500,
    // the store's stream time (the largest session end) 600, so every session ending at or before 100 has expired.
    const { driver } = sessionWindowed<number>((s) => s.count('count-store'));
    expect([...driver.getKeyValueStore<Windowed<string>, number>('count-store').all()].map((e) => [e.key, e.value])).toEqual([
      [{ key: '1', window: { start: 600, end: 600 } }, 1],
      [{ key: '2', window: { start: 599, end: 600 } }, 2],
    ]);
  });

  /** KStreamSessionWindowAggregateProcessorTest: a count with a gap of 5 minutes, in a store kept for 3 gaps (GAP_MS * 3). */
  function processorTest(windows = SessionWindows.ofInactivityGapWithNoGrace(300_000)) {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('input')
      .groupByKey()
      .windowedBy(windows)
      .count(Materialized.as('sessions').withRetention(3 * 300_000))
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('input');
    const out = driver.createOutputTopic<Windowed<string>, number | null>('out');
    const store = () => [...driver.getKeyValueStore<Windowed<string>, number>('sessions').all()].map((e) => [e.key, e.value]);
    return { driver, input, out, store };
  }

  it('KStreamSessionWindowAggregateProcessorTest#shouldMergeSessions: a record between two sessions merges them, not dropped', () => {
    const { driver, input, store } = processorTest();
    input.pipeInput('mel', 'first', 0);
    input.pipeInput('mel', 'second', 300_001);
    input.pipeInput('mel', 'third', 150_000);
    expect({ sessions: store(), droppedRecords: driver.droppedRecords() }).toEqual({
      sessions: [[{ key: 'mel', window: { start: 0, end: 300_001 } }, 3]],
      droppedRecords: 0,
    });
  });

  it('KStreamSessionWindowAggregateProcessorTest#shouldImmediatelyForwardRemovedSessionsWhenMerging', () => {
    const { input, out } = processorTest();
    input.pipeInput('a', '1', 0);
    input.pipeInput('a', '1', 5);
    expect(out.readRecordsToList()).toEqual([w('a', 0, 0, 1, 0), w('a', 0, 0, null, 0), w('a', 0, 5, 2, 5)]);
  });

  it('KStreamSessionWindowAggregateProcessorTest#shouldImmediatelyForwardNewSessionWhenNonCachedStore', () => {
    const { input, out } = processorTest();
    for (const key of ['a', 'b', 'c']) input.pipeInput(key, '1', 0);
    expect(out.readRecordsToList()).toEqual([w('a', 0, 0, 1, 0), w('b', 0, 0, 1, 0), w('c', 0, 0, 1, 0)]);
  });

  it('KStreamSessionWindowAggregateProcessorTest#shouldUpdateSessionIfTheSameTime: same window, no retraction', () => {
    const { input, out, store } = processorTest();
    input.pipeInput('mel', 'first', 0);
    input.pipeInput('mel', 'second', 0);
    expect({ out: out.readRecordsToList(), sessions: store() }).toEqual({
      out: [w('mel', 0, 0, 1, 0), w('mel', 0, 0, 2, 0)],
      sessions: [[{ key: 'mel', window: { start: 0, end: 0 } }, 2]],
    });
  });

  it('KStreamSessionWindowAggregateProcessorTest#shouldRemoveMergedSessionsFromStateStore', () => {
    const { input, store } = processorTest();
    input.pipeInput('a', '1', 0);
    expect(store()).toEqual([[{ key: 'a', window: { start: 0, end: 0 } }, 1]]);
    input.pipeInput('a', '2', 100);
    expect(store()).toEqual([[{ key: 'a', window: { start: 0, end: 100 } }, 2]]);
  });

  // KStreamSessionWindowAggregateProcessorTest drives one processor: its "dummy" records move that processor's own stream time.
  it('KStreamSessionWindowAggregateProcessorTest#shouldLogAndMeterWhenSkippingLateRecordWithZeroGrace', () => {
    const { driver, input, out } = processorTest(SessionWindows.ofInactivityGapAndGrace(10, 0));
    input.pipeInput('dummy', 'dummy', 0); // stream time 0
    input.pipeInput('OnTime1', '1', 0); // on time
    input.pipeInput('dummy', 'dummy', 11); // stream time 11: 10 for the gap plus 1, outside [0, 0]'s reach
    input.pipeInput('Late1', '1', 0); // late: "window=[0,0] expiration=[1] streamTime=[11]"
    expect({ out: out.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      out: [w('dummy', 0, 0, 1, 0), w('OnTime1', 0, 0, 1, 0), w('dummy', 11, 11, 1, 11)],
      droppedRecords: 1,
    });
  });

  it('KStreamSessionWindowAggregateProcessorTest#shouldLogAndMeterWhenSkippingLateRecordWithNonzeroGrace', () => {
    const { driver, input, out } = processorTest(SessionWindows.ofInactivityGapAndGrace(10, 1));
    input.pipeInput('dummy', 'dummy', 0);
    input.pipeInput('OnTime1', '1', 0);
    input.pipeInput('dummy', 'dummy', 11); // stream time 11: at the edge of [0, 0] with 1 ms of grace
    input.pipeInput('OnTime2', '1', 0); // still on time
    input.pipeInput('dummy', 'dummy', 12); // stream time 12: outside
    input.pipeInput('Late1', '1', 0); // late: "window=[0,0] expiration=[1] streamTime=[12]"
    expect({ out: out.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      out: [
        w('dummy', 0, 0, 1, 0),
        w('OnTime1', 0, 0, 1, 0),
        w('dummy', 11, 11, 1, 11),
        w('OnTime2', 0, 0, 1, 0),
        w('dummy', 11, 11, null, 11),
        w('dummy', 11, 12, 2, 12),
      ],
      droppedRecords: 1,
    });
  });
});

describe('Kafka Streams semantics: store retention', () => {
  it('InMemorySessionStoreTest#shouldRemoveExpired: a write that moves the store’s stream time past an entry’s retention removes it', () => {
    const RETENTION_PERIOD = 10_000;
    const session = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
    const store = Stores.keyValueStore<Windowed<string>, number>('sessions', {
      // A session store: each session ages by its end.
      retention: { retentionMs: RETENTION_PERIOD, timeOf: (key) => key.window.end },
    }).build();
    store.put(session('a', 0, 0), 1);
    store.put(session('aa', 0, 10), 2);
    store.put(session('a', 10, 20), 3);
    // Advance stream time to expire the first record.
    store.put(session('aa', 10, RETENTION_PERIOD), 4);
    expect(new Set([...store.all()].map((e) => e.value))).toEqual(new Set([2, 3, 4]));
  });
});

describe('Kafka Streams semantics: stream–table joins', () => {
  function relaxed(kind: 'join' | 'leftJoin') {
    const builder = new StreamsBuilder();
    const right = builder.table<string, string>('right');
    const left = builder.stream<string, string>('left');
    const joiner = (l: string, r: string | undefined) => `${l}|${r ?? 'null'}`;
    (kind === 'join' ? left.join(right, joiner) : left.leftJoin(right, joiner)).to('out');
    const driver = new TopologyTestDriver(builder.build());
    return {
      left: driver.createInputTopic<string | null, string | null>('left'),
      right: driver.createInputTopic<string, string>('right'),
      out: driver.createOutputTopic<string | null, string>('out'),
    };
  }

  it('RelaxedNullKeyRequirementJoinTest#testRelaxedLeftStreamTableJoin: a left join keeps a null-key stream record (KIP-962)', () => {
    const { left, out } = relaxed('leftJoin');
    left.pipeInput(null, 'leftValue', 1);
    expect(out.readRecordsToList()).toEqual([{ key: null, value: 'leftValue|null', timestamp: 1 }]);
  });

  it('KStreamKTableJoinProcessor (Kafka 3.7): an inner join still drops a null-key stream record', () => {
    const { left, right, out } = relaxed('join');
    right.pipeInput('k', 'r', 0);
    left.pipeInput(null, 'leftValue', 1);
    expect(out.readRecordsToList()).toEqual([]);
  });

  it('KStreamKTableJoinProcessor: a stream record with a null value is skipped, by join and by leftJoin', () => {
    const inner = relaxed('join');
    inner.right.pipeInput('k', 'r', 0);
    inner.left.pipeInput('k', null, 1);
    const left = relaxed('leftJoin');
    left.left.pipeInput('k', null, 1);
    expect({ join: inner.out.readRecordsToList(), leftJoin: left.out.readRecordsToList() }).toEqual({ join: [], leftJoin: [] });
  });
});

describe('Kafka Streams semantics: KTable filter', () => {
  it('KTableFilterTest#doTestKTable: a value filtered out goes on as a tombstone, at its record’s timestamp', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, number | null>('topic1');
    table
      .filter((_k, v) => v !== null && v % 2 === 0)
      .toStream()
      .to('even');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number | null>('topic1');
    input.pipeInput('A', 1, 10);
    input.pipeInput('B', 2, 5);
    input.pipeInput('C', 3, 8);
    input.pipeInput('D', 4, 14);
    input.pipeInput('A', null, 18);
    input.pipeInput('B', null, 15);
    expect(driver.createOutputTopic<string, number | null>('even').readRecordsToList()).toEqual([
      { key: 'A', value: null, timestamp: 10 },
      { key: 'B', value: 2, timestamp: 5 },
      { key: 'C', value: null, timestamp: 8 },
      { key: 'D', value: 4, timestamp: 14 },
      { key: 'A', value: null, timestamp: 18 },
      { key: 'B', value: null, timestamp: 15 },
    ]);
  });
});

/** Kafka's Windowed#toString, which its tests map keys to: [key@start/end]. */
const named = <K, V>(stream: KStream<Windowed<K>, V>) =>
  stream.map((k, v) => KeyValue.pair(`[${String(k.key)}@${k.window.start}/${k.window.end}]`, v));
const kvt = <V>(key: string, value: V | null, timestamp: number) => ({ key, value, timestamp });
/** MockAggregator.TOSTRING_ADDER with MockInitializer.STRING_INIT: "0+1+2". */
const init = () => '0';
const adder = (_k: string, v: string, agg: string) => `${agg}+${v}`;

describe('Kafka Streams semantics: time windows, each update stamped with the largest timestamp its window has seen', () => {
  it('KStreamWindowAggregateTest#testAggBasic: hopping windows, late records within grace stamped with the window’s latest timestamp', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('topic1')
      .groupByKey()
      // TimeWindows.of(10).advanceBy(5): the default grace of the time (a day) let the late records in.
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 86_400_000).advanceBy(5))
      .aggregate(init, adder, 'topic1-Canonized')
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('topic1');
    const data: [string, string, number][] = [
      ['A', '1', 0],
      ['B', '2', 1],
      ['C', '3', 2],
      ['D', '4', 3],
      ['A', '1', 4],
      ['A', '1', 5],
      ['B', '2', 6],
      ['D', '4', 7],
      ['B', '2', 8],
      ['C', '3', 9],
      ['A', '1', 10],
      ['B', '2', 11],
      ['D', '4', 12],
      ['B', '2', 13],
      ['C', '3', 14],
      ['B', '1', 3],
      ['B', '2', 2],
      ['B', '3', 9],
    ];
    for (const [k, v, t] of data) input.pipeInput(k, v, t);
    const out = driver.createOutputTopic<Windowed<string>, string>('out').readRecordsToList();
    expect(out).toEqual([
      w('A', 0, 10, '0+1', 0),
      w('B', 0, 10, '0+2', 1),
      w('C', 0, 10, '0+3', 2),
      w('D', 0, 10, '0+4', 3),
      w('A', 0, 10, '0+1+1', 4),
      w('A', 0, 10, '0+1+1+1', 5),
      w('A', 5, 15, '0+1', 5),
      w('B', 0, 10, '0+2+2', 6),
      w('B', 5, 15, '0+2', 6),
      w('D', 0, 10, '0+4+4', 7),
      w('D', 5, 15, '0+4', 7),
      w('B', 0, 10, '0+2+2+2', 8),
      w('B', 5, 15, '0+2+2', 8),
      w('C', 0, 10, '0+3+3', 9),
      w('C', 5, 15, '0+3', 9),
      w('A', 5, 15, '0+1+1', 10),
      w('A', 10, 20, '0+1', 10),
      w('B', 5, 15, '0+2+2+2', 11),
      w('B', 10, 20, '0+2', 11),
      w('D', 5, 15, '0+4+4', 12),
      w('D', 10, 20, '0+4', 12),
      w('B', 5, 15, '0+2+2+2+2', 13),
      w('B', 10, 20, '0+2+2', 13),
      w('C', 5, 15, '0+3+3', 14),
      w('C', 10, 20, '0+3', 14),
      w('B', 0, 10, '0+2+2+2+1', 8),
      w('B', 0, 10, '0+2+2+2+1+2', 8),
      w('B', 0, 10, '0+2+2+2+1+2+3', 9),
      w('B', 5, 15, '0+2+2+2+2+3', 13),
    ]);
  });

  function expiring(windows: TimeWindows, inputs: [string, number][]) {
    const builder = new StreamsBuilder();
    named(
      builder
        .stream<string, string>('topic')
        .groupByKey()
        .windowedBy(windows)
        .aggregate(
          () => '',
          (_k, v, agg) => `${agg}+${v}`,
        )
        .toStream(),
    ).to('output');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('topic');
    for (const [v, t] of inputs) input.pipeInput('k', v, t);
    return { driver, out: driver.createOutputTopic<string, string>('output').readRecordsToList() };
  }

  it('KStreamWindowAggregateTest#shouldLogAndMeterWhenSkippingExpiredWindowByGrace: a window closes at end + grace', () => {
    const { driver, out } = expiring(TimeWindows.ofSizeAndGrace(10, 90), [
      ['100', 200],
      ['0', 100],
      ['1', 101],
      ['2', 102],
      ['3', 103],
      ['4', 104],
      ['5', 105],
      ['6', 6],
    ]);
    expect({ out, dropped: driver.droppedRecords() }).toEqual({ out: [kvt('[k@200/210]', '+100', 200)], dropped: 7 });
  });

  it('KStreamWindowAggregateTest#shouldLogAndMeterWhenSkippingExpiredWindow: a record still goes into its open hopping windows', () => {
    // TimeWindows.of(10).advanceBy(5).until(100): a grace of 100 − 10.
    const { out } = expiring(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(5), [
      ['100', 100],
      ['0', 0],
      ['1', 1],
      ['2', 2],
      ['3', 3],
      ['4', 4],
      ['5', 5],
      ['6', 6],
    ]);
    // Kafka counts 7 drops (one per expired window: [0,10) of 0…6); the DSL counts records, 5 (see the README).
    expect(out).toEqual([kvt('[k@95/105]', '+100', 100), kvt('[k@100/110]', '+100', 100), kvt('[k@5/15]', '+5', 5), kvt('[k@5/15]', '+5+6', 6)]);
  });

  /** TimeWindowedKStreamImplTest: TimeWindows.of(500) and its processData(). */
  function timeWindowed<V>(build: (windowed: ReturnType<typeof timeStream>) => void) {
    const builder = new StreamsBuilder();
    build(timeStream(builder));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('input');
    input.pipeInput('1', '1', 10);
    input.pipeInput('1', '2', 15);
    input.pipeInput('1', '3', 500);
    input.pipeInput('2', '1', 500);
    return { driver, out: () => driver.createOutputTopic<Windowed<string>, V>('out').readRecordsToList() };
  }
  function timeStream(builder: StreamsBuilder) {
    return builder.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(500));
  }

  it('TimeWindowedKStreamImplTest#shouldCountWindowed', () => {
    const { out } = timeWindowed<number>((s) => s.count().toStream().to('out'));
    expect(out()).toEqual([w('1', 0, 500, 1, 10), w('1', 0, 500, 2, 15), w('1', 500, 1000, 1, 500), w('2', 500, 1000, 1, 500)]);
  });

  it('TimeWindowedKStreamImplTest#shouldReduceWindowed', () => {
    const { out } = timeWindowed<string>((s) =>
      s
        .reduce((a, b) => `${a}+${b}`)
        .toStream()
        .to('out'),
    );
    expect(out()).toEqual([w('1', 0, 500, '1', 10), w('1', 0, 500, '1+2', 15), w('1', 500, 1000, '3', 500), w('2', 500, 1000, '1', 500)]);
  });

  it('TimeWindowedKStreamImplTest#shouldAggregateWindowed', () => {
    const { out } = timeWindowed<string>((s) => s.aggregate(init, adder).toStream().to('out'));
    expect(out()).toEqual([w('1', 0, 500, '0+1', 10), w('1', 0, 500, '0+1+2', 15), w('1', 500, 1000, '0+3', 500), w('2', 500, 1000, '0+1', 500)]);
  });

  it('TimeWindowedKStreamImplTest#shouldMaterializeCount (without cache): the store returns only the windows not expired', () => {
    const builder = new StreamsBuilder();
    timeStream(builder).count('count-store');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('input');
    // Kafka's newer processData().
    input.pipeInput('1', '1', 10);
    input.pipeInput('1', '2', 15);
    input.pipeInput('1', '3', 500);
    input.pipeInput('2', '10', 550);
    input.pipeInput('2', '20', 500);
    input.pipeInput('2', '30', 1000);
    // Retention size + grace = 500 and the store's stream time 1000 (the largest window start): windows starting at
    // or before 500 have expired, as Kafka's store says without cache.
    expect([...driver.getKeyValueStore<Windowed<string>, number>('count-store').all()].map((e) => [e.key, e.value])).toEqual([
      [{ key: '2', window: { start: 1000, end: 1500 } }, 1],
    ]);
  });
});

describe('Kafka Streams semantics: suppress(untilWindowCloses), final results with the timestamp of the last update', () => {
  function suppressed(windowedBy: (s: KGroupedStream<string, string>) => KTable<Windowed<string>, number>) {
    const builder = new StreamsBuilder();
    const counts = windowedBy(builder.stream<string, string>('input').groupBy((k) => k));
    named(counts.suppress(Suppressed.untilWindowCloses()).toStream()).to('output-suppressed');
    named(counts.toStream()).to('output-raw');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('input');
    return {
      pipe: (key: string, timestamps: number[]) => {
        for (const t of timestamps) input.pipeInput(key, 'v1', t);
      },
      raw: () => driver.createOutputTopic<string, number | null>('output-raw').readRecordsToList(),
      suppressed: () => driver.createOutputTopic<string, number>('output-suppressed').readRecordsToList(),
    };
  }
  it('SuppressScenarioTest#shouldSupportFinalResultsForTimeWindows', () => {
    const t = suppressed((s) => s.windowedBy(TimeWindows.ofSizeAndGrace(2, 1)).count('counts'));
    t.pipe('k1', [0, 1, 2, 1, 0, 5, 0]);
    expect({ raw: t.raw(), suppressed: t.suppressed() }).toEqual({
      raw: [kvt('[k1@0/2]', 1, 0), kvt('[k1@0/2]', 2, 1), kvt('[k1@2/4]', 1, 2), kvt('[k1@0/2]', 3, 1), kvt('[k1@0/2]', 4, 1), kvt('[k1@4/6]', 1, 5)],
      suppressed: [kvt('[k1@0/2]', 4, 1), kvt('[k1@2/4]', 1, 2)],
    });
  });

  it('SuppressScenarioTest#shouldSupportFinalResultsForTimeWindowsWithLargeJump', () => {
    const t = suppressed((s) => s.windowedBy(TimeWindows.ofSizeAndGrace(2, 2)).count('counts'));
    t.pipe('k1', [0, 1, 2, 0, 3, 0, 4, 0, 30]);
    expect({ raw: t.raw(), suppressed: t.suppressed() }).toEqual({
      raw: [
        kvt('[k1@0/2]', 1, 0),
        kvt('[k1@0/2]', 2, 1),
        kvt('[k1@2/4]', 1, 2),
        kvt('[k1@0/2]', 3, 1),
        kvt('[k1@2/4]', 2, 3),
        kvt('[k1@0/2]', 4, 1),
        kvt('[k1@4/6]', 1, 4),
        kvt('[k1@30/32]', 1, 30),
      ],
      suppressed: [kvt('[k1@0/2]', 4, 1), kvt('[k1@2/4]', 2, 3), kvt('[k1@4/6]', 1, 4)],
    });
  });

  it('SuppressScenarioTest#shouldSupportFinalResultsForSlidingWindows', () => {
    const t = suppressed((s) => s.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 15)).count('counts'));
    t.pipe('k1', [10, 11, 10, 13, 10, 24, 5, 7, 90]);
    // Kafka sorts the raw output by key string, then timestamp (a stable sort).
    const raw = t.raw().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.timestamp - b.timestamp));
    expect({ raw, suppressed: t.suppressed() }).toEqual({
      raw: [
        kvt('[k1@11/16]', 1, 11),
        kvt('[k1@11/16]', 2, 13),
        kvt('[k1@12/17]', 1, 13),
        kvt('[k1@19/24]', 1, 24),
        kvt('[k1@5/10]', 1, 10),
        kvt('[k1@5/10]', 2, 10),
        kvt('[k1@5/10]', 3, 10),
        kvt('[k1@5/10]', 4, 10),
        kvt('[k1@5/10]', 5, 10),
        kvt('[k1@6/11]', 2, 11),
        kvt('[k1@6/11]', 3, 11),
        kvt('[k1@6/11]', 4, 11),
        kvt('[k1@6/11]', 5, 11),
        kvt('[k1@8/13]', 4, 13),
        kvt('[k1@8/13]', 5, 13),
        kvt('[k1@85/90]', 1, 90),
      ],
      suppressed: [
        kvt('[k1@5/10]', 5, 10),
        kvt('[k1@6/11]', 5, 11),
        kvt('[k1@8/13]', 5, 13),
        kvt('[k1@11/16]', 2, 13),
        kvt('[k1@12/17]', 1, 13),
        kvt('[k1@19/24]', 1, 24),
      ],
    });
  });

  it('SuppressScenarioTest#shouldSupportFinalResultsForSessionWindows: a retracted session never comes out of the buffer', () => {
    const t = suppressed((s) => s.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count('counts'));
    t.pipe('k1', [0, 5, 1]);
    t.pipe('k2', [11]);
    t.pipe('k1', [5, 30]);
    expect({ raw: t.raw(), suppressed: t.suppressed() }).toEqual({
      raw: [
        kvt('[k1@0/0]', 1, 0),
        kvt('[k1@0/0]', null, 0),
        kvt('[k1@0/5]', 2, 5),
        kvt('[k1@0/5]', null, 5),
        kvt('[k1@0/5]', 3, 5),
        kvt('[k2@11/11]', 1, 11),
        kvt('[k1@30/30]', 1, 30),
      ],
      suppressed: [kvt('[k1@0/5]', 3, 5), kvt('[k2@11/11]', 1, 11)],
    });
  });
});

describe('Kafka Streams semantics: sliding windows', () => {
  function sliding(windows: SlidingWindows, reduce = false) {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('topic').groupByKey().windowedBy(windows);
    (reduce ? grouped.reduce((a, b) => `${a}+${b}`) : grouped.aggregate(init, adder)).toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('topic');
    const out = driver.createOutputTopic<Windowed<string>, string>('out');
    return {
      pipe: (key: string, records: [string, number][]) => {
        for (const [v, t] of records) input.pipeInput(key, v, t);
      },
      out: () => out.readRecordsToList(),
      /** As the Kafka tests: the last value and timestamp of each window, by start. */
      last: () => new Map(out.readRecordsToList().map((r) => [r.key.window.start, [r.value, r.timestamp]])),
    };
  }
  const byStart = (entries: [number, string, number][]) => new Map(entries.map(([start, value, ts]) => [start, [value, ts]]));

  it('KStreamSlidingWindowAggregateTest#testAggregateSmallInput', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 50));
    t.pipe('A', [
      ['1', 10],
      ['2', 15],
      ['3', 20],
      ['4', 22],
      ['5', 30],
    ]);
    expect(t.last()).toEqual(
      byStart([
        [0, '0+1', 10],
        [5, '0+1+2', 15],
        [10, '0+1+2+3', 20],
        [11, '0+2+3', 20],
        [12, '0+2+3+4', 22],
        [16, '0+3+4', 22],
        [20, '0+3+4+5', 30],
        [21, '0+4+5', 30],
        [23, '0+5', 30],
      ]),
    );
  });

  it('KStreamSlidingWindowAggregateTest#testReduceSmallInput', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 50), true);
    t.pipe('A', [
      ['1', 10],
      ['2', 14],
      ['3', 15],
      ['4', 22],
      ['5', 26],
      ['6', 30],
    ]);
    expect(t.last()).toEqual(
      byStart([
        [0, '1', 10],
        [4, '1+2', 14],
        [5, '1+2+3', 15],
        [11, '2+3', 15],
        [12, '2+3+4', 22],
        [15, '3+4', 22],
        [16, '4+5', 26],
        [20, '4+5+6', 30],
        [23, '5+6', 30],
        [27, '6', 30],
      ]),
    );
  });

  it('KStreamSlidingWindowAggregateTest#testAggregateLargeInput (key A): an out-of-order record is added last to the windows it joins', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 50));
    t.pipe('A', [
      ['1', 10],
      ['2', 20],
      ['3', 22],
      ['4', 15],
    ]);
    const out = t.out().sort((a, b) => a.key.window.start - b.key.window.start);
    expect(out).toEqual([
      w('A', 0, 10, '0+1', 10),
      w('A', 5, 15, '0+1+4', 15),
      w('A', 10, 20, '0+1+2', 20),
      w('A', 10, 20, '0+1+2+4', 20),
      w('A', 11, 21, '0+2', 20),
      w('A', 11, 21, '0+2+4', 20),
      w('A', 12, 22, '0+2+3', 22),
      w('A', 12, 22, '0+2+3+4', 22),
      w('A', 16, 26, '0+2+3', 22),
      w('A', 21, 31, '0+3', 22),
    ]);
  });

  it('KStreamSlidingWindowAggregateTest#testNoGracePeriodSmallInput: arrival order, and a late record’s closed left window is not created', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceWithNoGrace(50));
    t.pipe('A', [
      ['1', 100],
      ['2', 105],
      ['3', 106],
      ['4', 103],
      ['5', 113],
      ['6', 110],
    ]);
    expect(t.last()).toEqual(
      byStart([
        [50, '0+1', 100],
        [55, '0+1+2', 105],
        [56, '0+1+2+3+4', 106],
        [63, '0+1+2+3+4+5+6', 113],
        [101, '0+2+3+4+5+6', 113],
        [104, '0+2+3+5+6', 113],
        [106, '0+3+5+6', 113],
        [107, '0+5+6', 113],
        [111, '0+5', 113],
      ]),
    );
  });

  const earlySmall: [string, number][] = [
    ['1', 0],
    ['2', 5],
    ['3', 6],
    ['4', 3],
    ['5', 13],
    ['6', 10],
  ];
  const earlySmallExpected = byStart([
    [0, '0+1+2+3+4+5+6', 13],
    [1, '0+2+3+4+5+6', 13],
    [4, '0+2+3+5+6', 13],
    [6, '0+3+5+6', 13],
    [7, '0+5+6', 13],
    [11, '0+5', 13],
  ]);

  it('KStreamSlidingWindowAggregateTest#testEarlyRecordsSmallInput: records before the time difference share one window [0, d]', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(50, 200));
    t.pipe('A', earlySmall);
    expect(t.last()).toEqual(earlySmallExpected);
  });

  it('KStreamSlidingWindowAggregateTest#testEarlyNoGracePeriodSmallInput', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceWithNoGrace(50));
    t.pipe('A', earlySmall);
    expect(t.last()).toEqual(earlySmallExpected);
  });

  it('KStreamSlidingWindowAggregateTest#testEarlyRecordsRepeatedInput', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(5, 20));
    t.pipe('A', [
      ['1', 0],
      ['2', 2],
      ['3', 4],
      ['4', 0],
      ['5', 2],
      ['6', 2],
      ['7', 0],
    ]);
    expect(t.last()).toEqual(
      byStart([
        [0, '0+1+2+3+4+5+6+7', 4],
        [1, '0+2+3+5+6', 4],
        [3, '0+3', 4],
      ]),
    );
  });

  it('KStreamSlidingWindowAggregateTest#testEarlyRecordsLargeInput', () => {
    const t = sliding(SlidingWindows.ofTimeDifferenceAndGrace(10, 50));
    t.pipe('E', [
      ['1', 0],
      ['3', 5],
      ['4', 6],
      ['2', 3],
      ['6', 13],
      ['5', 10],
      ['7', 4],
      ['8', 2],
      ['9', 15],
    ]);
    // Kafka sorts by key, then window start (a stable sort).
    const out = t.out().sort((a, b) => a.key.window.start - b.key.window.start);
    const e = (start: number, value: string, ts: number) => w('E', start, start + 10, value, ts);
    expect(out).toEqual([
      e(0, '0+1', 0),
      e(0, '0+1+3', 5),
      e(0, '0+1+3+4', 6),
      e(0, '0+1+3+4+2', 6),
      e(0, '0+1+3+4+2+5', 10),
      e(0, '0+1+3+4+2+5+7', 10),
      e(0, '0+1+3+4+2+5+7+8', 10),
      e(1, '0+3', 5),
      e(1, '0+3+4', 6),
      e(1, '0+3+4+2', 6),
      e(1, '0+3+4+2+5', 10),
      e(1, '0+3+4+2+5+7', 10),
      e(1, '0+3+4+2+5+7+8', 10),
      e(3, '0+3+4+2+6', 13),
      e(3, '0+3+4+2+6+5', 13),
      e(3, '0+3+4+2+6+5+7', 13),
      e(4, '0+3+4', 6),
      e(4, '0+3+4+6', 13),
      e(4, '0+3+4+6+5', 13),
      e(4, '0+3+4+6+5+7', 13),
      e(5, '0+3+4+6+5', 13),
      e(5, '0+3+4+6+5+9', 15),
      e(6, '0+4', 6),
      e(6, '0+4+6', 13),
      e(6, '0+4+6+5', 13),
      e(6, '0+4+6+5+9', 15),
      e(7, '0+6', 13),
      e(7, '0+6+5', 13),
      e(7, '0+6+5+9', 15),
      e(11, '0+6', 13),
      e(11, '0+6+9', 15),
      e(14, '0+9', 15),
    ]);
  });
  it('KStreamSlidingWindowAggregateTest#shouldLogAndMeterWhenSkippingExpiredWindowByGrace', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('topic')
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 90))
      .aggregate(init, adder)
      .toStream()
      .to('output');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('topic');
    input.pipeInput('k', '100', 200);
    // Stream time 200, close time 110: the left windows [90, 100] … [95, 105] of these have closed, and so has [15, 25].
    for (const [value, t] of [
      ['0', 100],
      ['1', 101],
      ['2', 102],
      ['3', 103],
      ['4', 104],
      ['5', 105],
      ['6', 15],
    ] as const)
      input.pipeInput('k', value, t);
    input.pipeInput('k', '101', 300);
    input.pipeInput('k', '102', 400);
    expect({ out: driver.createOutputTopic<Windowed<string>, string>('output').readRecordsToList(), dropped: driver.droppedRecords() }).toEqual({
      out: [w('k', 190, 200, '0+100', 200), w('k', 290, 300, '0+101', 300), w('k', 390, 400, '0+102', 400)],
      dropped: 7,
    });
  });
});

describe('Kafka Streams semantics: stateless KStream operations keep each record’s timestamp', () => {
  function integers(build: (stream: KStream<number, string>) => void, keys: number[]) {
    const builder = new StreamsBuilder();
    build(builder.stream<number, string>('topic'));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<number, string>('topic');
    keys.forEach((key, i) => input.pipeInput(key, `V${key}`, i));
    return <V>(topic: string) => driver.createOutputTopic<number, V>(topic).readRecordsToList();
  }
  const isMultipleOfThree = (key: number) => key % 3 === 0;

  it('KStreamFilterTest#testFilter', () => {
    const read = integers((s) => s.filter(isMultipleOfThree).to('out'), [1, 2, 3, 4, 5, 6, 7]);
    expect(read<string>('out')).toEqual([kvt3(3, 'V3', 2), kvt3(6, 'V6', 5)]);
  });

  it('KStreamFilterTest#testFilterNot', () => {
    const read = integers((s) => s.filterNot(isMultipleOfThree).to('out'), [1, 2, 3, 4, 5, 6, 7]);
    expect(read<string>('out').map((r) => r.key)).toEqual([1, 2, 4, 5, 7]);
  });

  it('KStreamMapValuesTest#testFlatMapValues (mapValues: a value’s length)', () => {
    const read = integers((s) => s.mapValues((v) => v.length - 1).to('out'), [1, 10, 100, 1000]);
    expect(read<number>('out')).toEqual([kvt3(1, 1, 0), kvt3(10, 2, 1), kvt3(100, 3, 2), kvt3(1000, 4, 3)]);
  });

  it('KStreamMapValuesTest#testMapValuesWithKeys', () => {
    const read = integers((s) => s.mapValues((v, k) => v.length - 1 + k).to('out'), [1, 10, 100, 1000]);
    expect(read<number>('out').map((r) => `${r.key}:${r.value}`)).toEqual(['1:2', '10:12', '100:103', '1000:1004']);
  });

  it('KStreamFlatMapValuesTest#testFlatMapValues: every value of one record carries its timestamp', () => {
    const read = integers((s) => s.flatMapValues((v) => [v.toLowerCase(), v]).to('out'), [0, 1, 2, 3]);
    expect(read<string>('out')).toEqual([
      kvt3(0, 'v0', 0),
      kvt3(0, 'V0', 0),
      kvt3(1, 'v1', 1),
      kvt3(1, 'V1', 1),
      kvt3(2, 'v2', 2),
      kvt3(2, 'V2', 2),
      kvt3(3, 'v3', 3),
      kvt3(3, 'V3', 3),
    ]);
  });

  const splitKeys = [-1, 0, 1, 2, 3, 4, 5, 6, 7];
  const isEven = (key: number) => key % 2 === 0;
  const isMultipleOfFive = (key: number) => key % 5 === 0;

  it('KStreamSplitTest#testKStreamSplit: the first matching branch takes the record', () => {
    const read = integers((s) => {
      const branches = s.split().branch(isEven, 'x2').branch(isMultipleOfThree, 'x3').branch(isMultipleOfFive, 'x5').noDefaultBranch();
      for (const [name, branch] of Object.entries(branches)) branch.to(name);
    }, splitKeys);
    const values = (topic: string) => read<string>(topic).map((r) => r.value);
    expect({ x2: values('x2'), x3: values('x3'), x5: values('x5') }).toEqual({ x2: ['V0', 'V2', 'V4', 'V6'], x3: ['V3'], x5: ['V5'] });
  });

  it('KStreamSplitTest#testResultingMap: a default branch takes what no branch did', () => {
    const read = integers((s) => {
      const branches = s
        .split()
        .branch(isEven, 'foo-bar')
        .branch(isMultipleOfThree, 'foo-2')
        .branch(isMultipleOfFive, 'foo-3')
        .branch((key) => key < 0, 'foo-4')
        .branch((key) => key % 7 === 0, 'foo-5')
        .defaultBranch('foo-0');
      for (const name of ['foo-bar', 'foo-4', 'foo-5', 'foo-0']) branches[name].to(name);
    }, splitKeys);
    const values = (topic: string) => read<string>(topic).map((r) => r.value);
    expect([values('foo-bar'), values('foo-4'), values('foo-5'), values('foo-0')]).toEqual([['V0', 'V2', 'V4', 'V6'], ['V-1'], ['V7'], ['V1']]);
  });

  it('KStreamSplitTest#testBranchingWithNoTerminalOperation', () => {
    const read = integers((s) => {
      const branches = s.split().branch(isEven, 'even').branch(isMultipleOfFive, 'five').noDefaultBranch();
      branches.even.to('output');
      branches.five.to('output');
    }, splitKeys);
    expect(read<string>('output').map((r) => r.value)).toEqual(['V0', 'V2', 'V4', 'V5', 'V6']);
  });
});

describe('Kafka Streams semantics: KTable', () => {
  it('KTableMapValuesTest#testKTable: each update at its record’s timestamp', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('topic1')
      .mapValues((v) => v.charCodeAt(0) - 48)
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string>('topic1');
    input.pipeInput('A', '1', 5);
    input.pipeInput('B', '2', 25);
    input.pipeInput('C', '3', 20);
    input.pipeInput('D', '4', 10);
    expect(driver.createOutputTopic<string, number>('out').readRecordsToList()).toEqual([
      kvt('A', 1, 5),
      kvt('B', 2, 25),
      kvt('C', 3, 20),
      kvt('D', 4, 10),
    ]);
  });

  it('KTableSourceTest#testNotSendingOldValue: a source table forwards every update, out-of-order timestamps and tombstones included', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string | null>('topic1').toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, string | null>('topic1');
    const records: [string, string | null, number][] = [
      ['A', '01', 10],
      ['B', '01', 20],
      ['C', '01', 15],
      ['A', '02', 8],
      ['B', '02', 22],
      ['A', '03', 12],
      ['A', null, 15],
      ['B', null, 20],
    ];
    for (const [k, v, t] of records) input.pipeInput(k, v, t);
    expect(driver.createOutputTopic<string, string | null>('out').readRecordsToList()).toEqual(records.map(([k, v, t]) => kvt(k, v, t)));
  });
});

const kvt3 = <V>(key: number, value: V, timestamp: number) => ({ key, value, timestamp });
