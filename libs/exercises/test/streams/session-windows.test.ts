import { describe, expect, it } from 'vitest';
import { KeyValue, SessionWindows, StreamsBuilder, Suppressed, TopologyTestDriver, type Windowed, Materialized } from '../../src/index.js';

/** `retentionMs`: keep closed sessions in the store that long (Materialized.withRetention); default: Kafka's gap + grace. */
function sessions(windows: SessionWindows, options: { suppress?: boolean; retentionMs?: number } = {}) {
  const builder = new StreamsBuilder();
  const store = options.retentionMs === undefined ? 'sessions' : Materialized.as('sessions').withRetention(options.retentionMs);
  const counts = builder.stream<string, number>('in').groupByKey().windowedBy(windows).count(store);
  (options.suppress ? counts.suppress(Suppressed.untilWindowCloses()) : counts).toStream().to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, number>('in'), output: driver.createOutputTopic<Windowed<string>, number | null>('out') };
}

const s = (start: number, end: number, count: number | null, key = 'a') => KeyValue.pair({ key, window: { start, end } }, count);

describe('SessionWindows', () => {
  it('a record within the gap (inclusive) extends the session; the old session is retracted with a tombstone, even when its window stays', () => {
    // A long retention keeps the closed session [100, 110] in the store for the last check.
    const { driver, input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(10), { retentionMs: 1_000 });
    input.pipeInput('a', 0, 100);
    input.pipeInput('a', 0, 110); // exactly the gap away
    input.pipeInput('a', 0, 105); // inside: the window does not change, but Kafka Streams still retracts and re-adds it
    expect(output.readKeyValuesToList()).toEqual([s(100, 100, 1), s(100, 100, null), s(100, 110, 2), s(100, 110, null), s(100, 110, 3)]);
    input.pipeInput('a', 0, 121); // 11 ms later: a new session
    expect(output.readKeyValuesToList()).toEqual([s(121, 121, 1)]);
    expect([...driver.getKeyValueStore<Windowed<string>, number>('sessions').all()].map((e) => [e.key.window, e.value])).toEqual([
      [{ start: 100, end: 110 }, 3],
      [{ start: 121, end: 121 }, 1],
    ]);
  });

  it('a late record within grace that bridges two sessions merges them, retracting both', () => {
    const { driver, input, output } = sessions(SessionWindows.ofInactivityGapAndGrace(10, 50));
    input.pipeInput('a', 0, 100);
    input.pipeInput('a', 0, 105);
    input.pipeInput('a', 0, 120);
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 113); // within 10 of 105 and of 120
    expect(output.readKeyValuesToList()).toEqual([s(100, 105, null), s(120, 120, null), s(100, 120, 4)]);
    expect(driver.getKeyValueStore('sessions').approximateNumEntries()).toBe(1);
    expect(driver.droppedRecords()).toBe(0);
  });

  it('a record is dropped only when the session it merges into has closed (end + gap + grace before stream time)', () => {
    // With a retention longer than gap + grace the store still holds [100, 100] once it has closed, as Kafka's would.
    const { driver, input, output } = sessions(SessionWindows.ofInactivityGapAndGrace(10, 5), { retentionMs: 1_000 });
    input.pipeInput('a', 0, 100);
    input.pipeInput('b', 0, 116); // stream time 116 = 100 + 10 + 5 + 1: [100, 100] alone would be closed
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 108); // but the merged session [100, 108] is still open (108 + 16 > 116)
    expect(output.readKeyValuesToList()).toEqual([s(100, 100, null), s(100, 108, 2)]);
    input.pipeInput('b', 0, 200); // [100, 108] has closed
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 110); // merges into [100, 110], closed too: dropped
    expect(output.isEmpty()).toBe(true);
    expect(driver.droppedRecords()).toBe(1);
    input.pipeInput('a', 0, 190); // a session of its own, [190, 190], still open (190 + 16 > 200)
    expect(output.readKeyValuesToList()).toEqual([s(190, 190, 1)]);
  });

  it('a record between a closed session and an open one merges both, as Kafka Streams only asks whether the merged session is open', () => {
    // Only while the store still holds the closed session: here a retention longer than the default gap + grace.
    const { driver, input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(10), { retentionMs: 1_000 });
    input.pipeInput('a', 0, 0); // [0, 0] closes at 11
    input.pipeInput('a', 0, 15); // [15, 15] is open until 26
    input.pipeInput('b', 0, 21); // stream time 21: [0, 0] has closed
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 10); // within the gap of both
    expect(output.readKeyValuesToList()).toEqual([s(0, 0, null), s(15, 15, null), s(0, 15, 3)]);
    expect(driver.droppedRecords()).toBe(0);
  });

  it('a session closed long ago, still in a store kept long enough, merges back into an open session of its key that a record bridges to', () => {
    const { driver, input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(10), { retentionMs: 1_000 });
    input.pipeInput('a', 0, 0); // [0, 0] closes at 11
    for (let t = 15; t <= 95; t += 10) input.pipeInput('a', 0, t); // [15, 95], open until 106
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 5); // within the gap of [0, 0] and of [15, 95]
    expect(output.readKeyValuesToList()).toEqual([s(0, 0, null), s(15, 95, null), s(0, 95, 11)]);
    expect(driver.droppedRecords()).toBe(0);
    expect([...driver.getKeyValueStore<Windowed<string>, number>('sessions').all()].map((e) => [e.key.window, e.value])).toEqual([
      [{ start: 0, end: 95 }, 11],
    ]);
  });

  it('keys have their own sessions', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(10));
    input.pipeInput('a', 0, 100);
    input.pipeInput('b', 0, 101);
    input.pipeInput('a', 0, 102);
    expect(output.readKeyValuesToList()).toEqual([s(100, 100, 1), s(101, 101, 1, 'b'), s(100, 100, null), s(100, 102, 2)]);
  });

  it('with suppress, only the final session is emitted, without the retractions', () => {
    const { input, output } = sessions(SessionWindows.ofInactivityGapWithNoGrace(10), { suppress: true });
    for (const t of [100, 105, 112]) input.pipeInput('a', 0, t);
    input.pipeInput('b', 0, 122); // a's session [100, 112] is still open until 123
    expect(output.isEmpty()).toBe(true);
    input.pipeInput('b', 0, 123);
    expect(output.readKeyValuesToList()).toEqual([s(100, 112, 3)]);
  });

  it('aggregate and reduce merge sessions with the merger / reducer', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, number>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 100));
    grouped
      .aggregate(
        () => 0,
        (_k, v, sum) => sum + v,
        (_k, left, right) => left + right,
      )
      .toStream()
      .to('sum');
    builder
      .stream<string, number>('in2')
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 100))
      .reduce(Math.max)
      .toStream()
      .to('max');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    const input2 = driver.createInputTopic<string, number>('in2');
    for (const [v, t] of [
      [1, 100],
      [2, 120],
      [4, 110],
    ]) {
      input.pipeInput('a', v, t);
      input2.pipeInput('a', v, t);
    }
    expect(driver.createOutputTopic('sum').readValuesToList().at(-1)).toBe(7);
    expect(driver.createOutputTopic('max').readValuesToList().at(-1)).toBe(4);
  });
});
