/**
 * Scenarios ported from Kafka Streams' own tests (apache/kafka,
 * streams/src/test/java/org/apache/kafka/streams/…): the same inputs, with
 * timestamps, and the records Kafka expects, with their timestamps, replayed
 * through this DSL's TopologyTestDriver. Each test names the Kafka test it
 * comes from. Kafka's tests without caching are the reference (the DSL has no
 * cache: every update goes downstream).
 */
import { describe, expect, it } from 'vitest';
import { SessionWindows, StreamsBuilder, TopologyTestDriver, type Windowed } from '../src/index.js';

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

  it('SessionWindowedKStreamImplTest#shouldMaterializeCount', () => {
    const { driver } = sessionWindowed<number>((s) => s.count('count-store'));
    expect([...driver.getKeyValueStore<Windowed<string>, number>('count-store').all()].map((e) => [e.key, e.value])).toEqual([
      [{ key: '1', window: { start: 10, end: 15 } }, 2],
      [{ key: '1', window: { start: 600, end: 600 } }, 1],
      [{ key: '2', window: { start: 599, end: 600 } }, 2],
    ]);
  });

  /** KStreamSessionWindowAggregateProcessorTest: a count with a gap of 5 minutes. */
  function processorTest() {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('input')
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(300_000))
      .count('sessions')
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
