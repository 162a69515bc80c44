import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyValue, StreamsBuilder, Suppressed, TimeWindows, TopologyTestDriver, type Windowed } from '../../src/index.js';

function windowedCount(windows: TimeWindows, options: { suppress?: boolean } = {}) {
  const builder = new StreamsBuilder();
  const counts = builder.stream<string, number>('in').groupByKey().windowedBy(windows).count('counts');
  (options.suppress ? counts.suppress(Suppressed.untilWindowCloses()) : counts).toStream().to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, number>('in'), output: driver.createOutputTopic<Windowed<string>, number>('out') };
}

const at = (key: string, start: number, end: number) => ({ key, window: { start, end } });

describe('TimeWindows', () => {
  it('tumbling windows are aligned to the epoch, [start, end): a record at exactly end opens the next window', () => {
    const { input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 100));
    input.pipeInput('a', 0, 0);
    input.pipeInput('a', 0, 9);
    input.pipeInput('a', 0, 10);
    input.pipeInput('a', 0, 25);
    expect(output.readKeyValuesToList()).toEqual([
      KeyValue.pair(at('a', 0, 10), 1),
      KeyValue.pair(at('a', 0, 10), 2),
      KeyValue.pair(at('a', 10, 20), 1),
      KeyValue.pair(at('a', 20, 30), 1),
    ]);
  });

  it('hopping windows: a record counts in every window that covers it', () => {
    const windows = TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5);
    expect(windows.windowsFor(12)).toEqual([
      { start: 5, end: 15 },
      { start: 10, end: 20 },
    ]);
    expect(windows.windowsFor(10)).toEqual([
      { start: 5, end: 15 },
      { start: 10, end: 20 },
    ]);
    expect(windows.windowsFor(3)).toEqual([{ start: 0, end: 10 }]);
    expect(
      TimeWindows.ofSizeWithNoGrace(10)
        .advanceBy(3)
        .windowsFor(10)
        .map((w) => w.start),
    ).toEqual([3, 6, 9]);

    const { input, output } = windowedCount(windows);
    input.pipeInput('a', 0, 12);
    input.pipeInput('a', 0, 14);
    expect(output.readKeyValuesToList()).toEqual([
      KeyValue.pair(at('a', 5, 15), 1),
      KeyValue.pair(at('a', 10, 20), 1),
      KeyValue.pair(at('a', 5, 15), 2),
      KeyValue.pair(at('a', 10, 20), 2),
    ]);
  });

  it('refuses nonsense sizes', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(RangeError);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(RangeError);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(RangeError);
  });

  it('a window closes when stream time reaches end + grace; a record only for closed windows is dropped and counted', () => {
    const { driver, input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
    input.pipeInput('a', 0, 3);
    input.pipeInput('b', 0, 14); // stream time 14 < 10 + 5: [0, 10) still open
    input.pipeInput('a', 0, 8); // late but within grace
    input.pipeInput('b', 0, 15); // stream time 15: [0, 10) closes
    input.pipeInput('a', 0, 9); // too late
    expect(driver.droppedRecords()).toBe(1);
    expect(output.readKeyValuesToList()).toEqual([
      KeyValue.pair(at('a', 0, 10), 1),
      KeyValue.pair(at('b', 10, 20), 1),
      KeyValue.pair(at('a', 0, 10), 2),
      KeyValue.pair(at('b', 10, 20), 2),
    ]);
    expect(driver.getKeyValueStore('counts').get(at('a', 0, 10))).toBe(2);
  });

  it('a hopping record is late only when all its windows are closed, and updates only the open ones', () => {
    const { driver, input, output } = windowedCount(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
    input.pipeInput('a', 0, 12); // stream time 12: [0, 10) closed, [5, 15) and [10, 20) open
    output.readKeyValuesToList();
    input.pipeInput('a', 0, 7); // belongs to [0, 10) (closed) and [5, 15) (open)
    expect(output.readKeyValuesToList()).toEqual([KeyValue.pair(at('a', 5, 15), 2)]);
    input.pipeInput('a', 0, 30);
    input.pipeInput('a', 0, 14); // [5, 15) and [10, 20) both closed
    expect(driver.droppedRecords()).toBe(1);
  });

  it('suppress(untilWindowCloses) emits exactly one final result per window, when stream time closes it', () => {
    const { driver, input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 2), { suppress: true });
    input.pipeInput('a', 0, 1);
    input.pipeInput('a', 0, 5);
    input.pipeInput('b', 0, 7);
    input.pipeInput('a', 0, 11); // stream time 11 < 10 + 2
    expect(output.isEmpty()).toBe(true);
    input.pipeInput('a', 0, 9); // within grace: still counts
    input.pipeInput('c', 0, 12); // closes [0, 10)
    expect(output.readRecordsToList()).toEqual([
      { key: at('a', 0, 10), value: 3, timestamp: 9 },
      { key: at('b', 0, 10), value: 1, timestamp: 7 },
    ]);
    input.pipeInput('a', 0, 3); // late: dropped, no output
    input.pipeInput('c', 0, 19);
    expect(output.isEmpty()).toBe(true);
    input.pipeInput('c', 0, 22);
    expect(output.readKeyValuesToList()).toEqual([KeyValue.pair(at('a', 10, 20), 1), KeyValue.pair(at('c', 10, 20), 2)]);
    expect(driver.droppedRecords()).toBe(1);
  });

  it('property: tumbling counts add up to the records that were not late', () => {
    const record = fc.record({ key: fc.constantFrom('a', 'b', 'c'), timestamp: fc.integer({ min: 0, max: 200 }) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), (records, size, grace) => {
        const { driver, input, output } = windowedCount(TimeWindows.ofSizeAndGrace(size, grace));
        let streamTime = -1;
        let expectedLate = 0;
        for (const r of records) {
          streamTime = Math.max(streamTime, r.timestamp);
          const end = Math.floor(r.timestamp / size) * size + size;
          if (end + grace <= streamTime) expectedLate += 1;
          input.pipeInput(r.key, 1, r.timestamp);
        }
        const finals = new Map<string, number>();
        for (const { key, value } of output.readKeyValuesToList()) finals.set(JSON.stringify(key), value);
        const total = [...finals.values()].reduce((a, b) => a + b, 0);
        expect(driver.droppedRecords()).toBe(expectedLate);
        expect(total).toBe(records.length - expectedLate);
        for (const key of finals.keys()) {
          const { window } = JSON.parse(key) as Windowed<string>;
          expect(window.end - window.start).toBe(size);
          expect(window.start % size).toBe(0);
        }
      }),
    );
  });
});
