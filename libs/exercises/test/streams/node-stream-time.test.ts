/**
 * Each windowed aggregation, each suppress and each stream–stream join keeps
 * its own stream time, moved only by the records that reach it, as Kafka's
 * KStreamWindowAggregate / KStreamSessionWindowAggregate /
 * KStreamSlidingWindowAggregate (observedStreamTime), KTableSuppressProcessor
 * and KStreamKStreamJoin (a time tracker shared by its two sides). The task's
 * stream time, which STREAM_TIME punctuations follow, still moves with every
 * record.
 */
import { describe, expect, it } from 'vitest';
import {
  JoinWindows,
  KeyValue,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyRuntime,
  TopologyTestDriver,
  type KStream,
  type Windowed,
} from '../../src/index.js';

const win = (key: string, start: number, end: number, value: number) =>
  KeyValue.pair<Windowed<string>, number>({ key, window: { start, end } }, value);

/** Counts of `stream` in tumbling windows of 10 ms, no grace, to "out". */
function countTumbling(stream: KStream<string, number>) {
  stream.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to('out');
}

describe('stream time per node', () => {
  it('a record filtered out before a windowed aggregation does not close its windows', () => {
    const builder = new StreamsBuilder();
    countTumbling(builder.stream<string, number>('in').filter((_key, shares) => shares > 0));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    const out = driver.createOutputTopic<Windowed<string>, number>('out');
    input.pipeInput('a', 1, 1);
    input.pipeInput('a', 0, 1_000); // filtered out: the aggregation never sees 1 000
    input.pipeInput('a', 1, 5);
    expect(out.readKeyValuesToList()).toEqual([win('a', 0, 10, 1), win('a', 0, 10, 2)]);
    expect(driver.droppedRecords()).toBe(0);
  });

  it('a record of another topic does not close the windows of an aggregation it does not reach; the task’s stream time still moves', () => {
    const builder = new StreamsBuilder();
    countTumbling(builder.stream<string, number>('orders'));
    builder.stream<string, number>('prices').to('prices-copy');
    const runtime = new TopologyRuntime(builder.build());
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    runtime.process('orders', json('a'), json(1), 1);
    runtime.process('prices', json('p'), json(1), 1_000);
    expect(runtime.streamTimeMs).toBe(1_000);
    const [update] = runtime.process('orders', json('a'), json(1), 5);
    expect(JSON.parse(update.value?.toString() ?? '')).toBe(2);
    expect(runtime.droppedRecords()).toBe(0);
  });

  it('a record with a null key, skipped by the aggregation, does not move its stream time', () => {
    for (const windows of [
      TimeWindows.ofSizeWithNoGrace(10),
      SlidingWindows.ofTimeDifferenceWithNoGrace(10),
      SessionWindows.ofInactivityGapWithNoGrace(10),
    ]) {
      const builder = new StreamsBuilder();
      const grouped = builder.stream<string | null, number>('in').groupByKey();
      (windows instanceof SessionWindows ? grouped.windowedBy(windows) : grouped.windowedBy(windows)).count().toStream().to('out');
      const driver = new TopologyTestDriver(builder.build());
      const input = driver.createInputTopic<string | null, number>('in');
      input.pipeInput('a', 1, 1);
      input.pipeInput(null, 1, 1_000);
      input.pipeInput('a', 1, 5);
      expect(driver.droppedRecords(), windows.constructor.name).toBe(0);
    }
  });

  it('a suppress emits a window when the updates reaching it close it, not when a record of another topic passes', () => {
    const builder = new StreamsBuilder();
    for (const topic of ['orders', 'trades']) {
      builder
        .stream<string, number>(topic)
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count()
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .to(`${topic}-final`);
    }
    const driver = new TopologyTestDriver(builder.build());
    const orders = driver.createInputTopic<string, number>('orders');
    const trades = driver.createInputTopic<string, number>('trades');
    const ordersFinal = driver.createOutputTopic<Windowed<string>, number>('orders-final');
    orders.pipeInput('a', 1, 1);
    trades.pipeInput('t', 1, 50);
    expect(ordersFinal.isEmpty()).toBe(true);
    orders.pipeInput('a', 1, 10);
    expect(ordersFinal.readKeyValuesToList()).toEqual([win('a', 0, 10, 1)]);
  });

  it('a stream–stream join keeps its time, shared by both sides: a record of another topic does not make its records late', () => {
    const builder = new StreamsBuilder();
    const left = builder.stream<string, string>('left');
    left.join(builder.stream<string, string>('right'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
    builder.stream<string, string>('other').to('other-copy');
    const driver = new TopologyTestDriver(builder.build());
    const out = driver.createOutputTopic<string, string>('out');
    driver.createInputTopic<string, string>('left').pipeInput('k', 'L', 100);
    driver.createInputTopic<string, string>('other').pipeInput('x', 'X', 1_000);
    driver.createInputTopic<string, string>('right').pipeInput('k', 'R', 105);
    expect(out.readKeyValuesToList()).toEqual([KeyValue.pair('k', 'L+R')]);
    // The right side's record at 200 moves the time of the whole join: a left record at 100 is now late.
    driver.createInputTopic<string, string>('right').pipeInput('k', 'R2', 200);
    driver.createInputTopic<string, string>('left').pipeInput('k', 'L2', 100);
    expect(out.readKeyValuesToList()).toEqual([]);
    expect(driver.droppedRecords()).toBe(1);
  });

  it('a null-key record that reaches a join moves its time before being skipped, as Kafka 3.7’s KStreamKStreamJoin', () => {
    const builder = new StreamsBuilder();
    const left = builder.stream<string | null, string>('left');
    left.join(builder.stream<string | null, string>('right'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
    const driver = new TopologyTestDriver(builder.build());
    const leftIn = driver.createInputTopic<string | null, string>('left');
    leftIn.pipeInput(null, 'N', 200);
    leftIn.pipeInput('k', 'L', 100);
    expect(driver.droppedRecords()).toBe(1);
  });
});
