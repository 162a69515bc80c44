import { describe, expect, it } from 'vitest';
import { KeyValue, SlidingWindows, StreamsBuilder, TopologyTestDriver, type Windowed } from '../../src/index.js';

function slidingSum(windows: SlidingWindows) {
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('in')
    .groupByKey()
    .windowedBy(windows)
    .aggregate(
      () => [] as number[],
      (_k, v, seen) => [...seen, v],
      'sliding',
    )
    .toStream()
    .to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, number>('in'), output: driver.createOutputTopic<Windowed<string>, number[]>('out') };
}

const w = (start: number, end: number, values: number[]) => KeyValue.pair({ key: 'a', window: { start, end } }, values);

describe('SlidingWindows (Kafka Streams semantics)', () => {
  it('each record has a left window [t - d, t]; a right window [t + 1, t + 1 + d] appears once a record falls in it', () => {
    const { input, output } = slidingSum(SlidingWindows.ofTimeDifferenceAndGrace(10, 100));
    input.pipeInput('a', 10, 10);
    expect(output.readKeyValuesToList()).toEqual([w(0, 10, [10])]);
    input.pipeInput('a', 15, 15);
    expect(output.readKeyValuesToList()).toEqual([w(5, 15, [10, 15]), w(11, 21, [15])]);
    input.pipeInput('a', 25, 25);
    expect(output.readKeyValuesToList()).toEqual([w(15, 25, [15, 25]), w(16, 26, [25])]);
  });

  it('both ends are inclusive: records exactly d apart share a window', () => {
    const { input, output } = slidingSum(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    input.pipeInput('a', 1, 100);
    input.pipeInput('a', 2, 110);
    expect(output.readKeyValuesToList()).toEqual([w(90, 100, [1]), w(100, 110, [1, 2]), w(101, 111, [2])]);
    input.pipeInput('a', 3, 121); // its left window is also 110's right window: one window
    expect(output.readKeyValuesToList()).toEqual([w(111, 121, [3])]);
    input.pipeInput('a', 4, 133); // 12 ms after the last: only a left window of its own
    expect(output.readKeyValuesToList()).toEqual([w(123, 133, [4])]);
  });

  it('an out-of-order record within grace updates every window that covers it and creates its own; aggregates fold in arrival order', () => {
    const { input, output } = slidingSum(SlidingWindows.ofTimeDifferenceAndGrace(10, 100));
    for (const t of [10, 15, 25]) input.pipeInput('a', t, t);
    output.readKeyValuesToList();
    input.pipeInput('a', 12, 12);
    // As Kafka Streams: the late record is added last to the windows that already hold 15.
    expect(output.readKeyValuesToList()).toEqual([w(2, 12, [10, 12]), w(5, 15, [10, 15, 12]), w(11, 21, [15, 12]), w(13, 23, [15])]);
  });

  it('a record whose windows have all closed is dropped and counted', () => {
    const { driver, input, output } = slidingSum(SlidingWindows.ofTimeDifferenceAndGrace(10, 5));
    input.pipeInput('a', 1, 100);
    input.pipeInput('a', 2, 114);
    output.readKeyValuesToList();
    // Within grace: it creates 100's right window, joins 114's left one and has a right window holding 114.
    input.pipeInput('a', 3, 105);
    expect(output.readKeyValuesToList()).toEqual([w(101, 111, [3]), w(104, 114, [2, 3]), w(106, 116, [2])]);
    input.pipeInput('a', 4, 97); // its last possible window ends at 107: closed since 113
    expect(output.isEmpty()).toBe(true);
    expect(driver.droppedRecords()).toBe(1);
  });

  it('keeps keys apart', () => {
    const { input, output } = slidingSum(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    input.pipeInput('a', 1, 5);
    input.pipeInput('b', 2, 6);
    expect(output.readKeyValuesToList().map((kv) => [kv.key.key, kv.value])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
  });
});
