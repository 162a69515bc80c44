import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionWindows, SlidingWindows, StreamsBuilder, TopologyTestDriver, type Windowed, Materialized } from '../../src/index.js';

const records = fc.array(fc.record({ key: fc.constantFrom('a', 'b'), timestamp: fc.integer({ min: 0, max: 300 }) }), { maxLength: 50 });

function counted(windows: SessionWindows | SlidingWindows, input: { key: string; timestamp: number }[]) {
  const builder = new StreamsBuilder();
  const grouped = builder.stream<string, number>('in').groupByKey();
  // A retention longer than the records' time span keeps every window, closed ones too, for the checks.
  const store = Materialized.as('counts').withRetention(10_000);
  if (windows instanceof SessionWindows) grouped.windowedBy(windows).count(store);
  else grouped.windowedBy(windows).count(store);
  const driver = new TopologyTestDriver(builder.build());
  const pipe = driver.createInputTopic<string, number>('in');
  for (const r of input) pipe.pipeInput(r.key, 1, r.timestamp);
  return { driver, windows: [...driver.getKeyValueStore<Windowed<string>, number>('counts').all()] };
}

/** Every record is counted in one session or dropped as late, and the sessions of a key stay more than a gap apart. */
function checkSessions(input: { key: string; timestamp: number }[], gap: number, grace: number) {
  const { driver, windows } = counted(SessionWindows.ofInactivityGapAndGrace(gap, grace), input);
  expect(windows.reduce((sum, w) => sum + w.value, 0)).toBe(input.length - driver.droppedRecords());
  for (const key of ['a', 'b']) {
    const sessions = windows.filter((w) => w.key.key === key).map((w) => w.key.window);
    sessions.sort((x, y) => x.start - y.start);
    for (let i = 1; i < sessions.length; i++) expect(sessions[i].start - sessions[i - 1].end).toBeGreaterThan(gap);
  }
  return { driver, windows };
}

describe('window properties', () => {
  it('sessions: the counts of the sessions add up to the records kept, and sessions of a key stay more than a gap apart', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), (input, gap, grace) => {
        checkSessions(input, gap, grace);
      }),
    );
  });

  it('sessions, a counterexample once found: a record between a closed session and an open one merges them both', () => {
    // gap 34, grace 18: at stream time 87, [0, 0] alone is closed, but the record at 1 merges it with [35, 35]
    // into [0, 35], whose end is not before 87 - 18 - 34 = 35: Kafka Streams keeps it.
    const input = [0, 87, 35, 1].map((timestamp) => ({ key: 'a', timestamp }));
    const { driver, windows } = checkSessions(input, 34, 18);
    expect(driver.droppedRecords()).toBe(0);
    expect(windows.map((w) => [w.key.window, w.value])).toEqual([
      [{ start: 0, end: 35 }, 3],
      [{ start: 87, end: 87 }, 1],
    ]);
  });

  it('sliding, records in order: the windows are the left windows of the records and the non-empty right ones, each counting what it covers', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 40 }), (unordered, d) => {
        const input = [...unordered].sort((x, y) => x.timestamp - y.timestamp);
        const { driver, windows } = counted(SlidingWindows.ofTimeDifferenceWithNoGrace(d), input);
        expect(driver.droppedRecords()).toBe(0);
        for (const key of ['a', 'b']) {
          const times = input.filter((r) => r.key === key).map((r) => r.timestamp);
          const expected = new Map<number, number>();
          for (const t of times) {
            // A record earlier than d goes into the one early window [0, d], as Kafka Streams' processEarly.
            const [start, end] = t < d ? [0, d] : [t - d, t];
            expected.set(start, times.filter((u) => start <= u && u <= end).length);
            const right = times.filter((u) => t + 1 <= u && u <= t + 1 + d).length;
            if (right > 0) expected.set(t + 1, right);
          }
          const actual = new Map(windows.filter((w) => w.key.key === key).map((w) => [w.key.window.start, w.value]));
          expect(actual).toEqual(expected);
          for (const w of windows) expect(w.key.window.end - w.key.window.start).toBe(d);
        }
      }),
    );
  });
});
