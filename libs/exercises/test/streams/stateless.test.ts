import { describe, expect, it } from 'vitest';
import { KeyValue, StreamsBuilder, TopologyTestDriver, type KStream } from '../../src/index.js';

/** A driver over `in` → (what build does) → `out`. */
function run<K, V, K2, V2>(build: (input: KStream<K, V>) => KStream<K2, V2>) {
  const builder = new StreamsBuilder();
  build(builder.stream<K, V>('in')).to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<K, V>('in'), output: driver.createOutputTopic<K2, V2>('out') };
}

describe('stateless operations', () => {
  it('filter keeps what matches, filterNot what does not', () => {
    const kept = run<string, number, string, number>((s) => s.filter((_k, v) => v % 2 === 0));
    const dropped = run<string, number, string, number>((s) => s.filterNot((_k, v) => v % 2 === 0));
    for (const { input } of [kept, dropped]) for (const n of [1, 2, 3, 4]) input.pipeInput('k', n);
    expect(kept.output.readValuesToList()).toEqual([2, 4]);
    expect(dropped.output.readValuesToList()).toEqual([1, 3]);
  });

  it('map, mapValues and selectKey change keys and values, and keep timestamps', () => {
    const mapped = run<string, number, number, string>((s) => s.map((k, v) => KeyValue.pair(v, k.toUpperCase())));
    mapped.input.pipeInput('a', 1, 100);
    expect(mapped.output.readRecord()).toEqual({ key: 1, value: 'A', timestamp: 100 });

    const values = run<string, number, string, string>((s) => s.mapValues((v, k) => `${k}=${v * 2}`));
    values.input.pipeInput('a', 21, 7);
    expect(values.output.readRecord()).toEqual({ key: 'a', value: 'a=42', timestamp: 7 });

    const rekeyed = run<string, { team: string }, string, { team: string }>((s) => s.selectKey((_k, v) => v.team));
    rekeyed.input.pipeInput('alice', { team: 'BONOBO' }, 5);
    expect(rekeyed.output.readKeyValue()).toEqual({ key: 'BONOBO', value: { team: 'BONOBO' } });
  });

  it('flatMap and flatMapValues emit zero or more records each', () => {
    const words = run<string, string, string, number>((s) =>
      s.flatMap((_k, text) =>
        text
          .split(' ')
          .filter(Boolean)
          .map((w) => KeyValue.pair(w, w.length)),
      ),
    );
    words.input.pipeInput('t', 'go bananas');
    words.input.pipeInput('t', '');
    expect(words.output.readKeyValuesToList()).toEqual([KeyValue.pair('go', 2), KeyValue.pair('bananas', 7)]);

    const repeated = run<string, number, string, number>((s) => s.flatMapValues((n) => Array.from({ length: n }, (_, i) => i)));
    repeated.input.pipeInput('k', 3);
    repeated.input.pipeInput('k', 0);
    expect(repeated.output.readKeyValuesToList()).toEqual([KeyValue.pair('k', 0), KeyValue.pair('k', 1), KeyValue.pair('k', 2)]);
  });

  it('peek sees every record and changes nothing', () => {
    const seen: [string, number][] = [];
    const { input, output } = run<string, number, string, number>((s) => s.peek((k, v) => seen.push([k, v])));
    input.pipeInput('a', 1);
    input.pipeInput('b', 2);
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(output.readValuesToList()).toEqual([1, 2]);
  });

  it('split sends each record to the first matching branch, the rest to the default', () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream<string, number>('in')
      .split()
      .branch((_k, v) => v < 0, 'negative')
      .branch((_k, v) => v < 10, 'small')
      .defaultBranch();
    expect(Object.keys(branches).sort()).toEqual(['default', 'negative', 'small']);
    for (const [name, stream] of Object.entries(branches)) stream.to(`out-${name}`);
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    for (const n of [-1, 5, 50, -7, 9]) input.pipeInput('k', n);
    expect(driver.createOutputTopic('out-negative').readValuesToList()).toEqual([-1, -7]);
    expect(driver.createOutputTopic('out-small').readValuesToList()).toEqual([5, 9]);
    expect(driver.createOutputTopic('out-default').readValuesToList()).toEqual([50]);
  });

  it('noDefaultBranch drops what no branch takes; defaultBranch takes a name', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, number>('in');
    const only = stream
      .split()
      .branch((_k, v) => v > 0, 'positive')
      .noDefaultBranch();
    expect(Object.keys(only)).toEqual(['positive']);
    const named = stream
      .split()
      .branch((_k, v) => v > 100, 'big')
      .defaultBranch('rest');
    expect(Object.keys(named).sort()).toEqual(['big', 'rest']);
    only.positive.to('positive');
    named.rest.to('rest');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    for (const n of [-1, 1, 200]) input.pipeInput('k', n);
    expect(driver.createOutputTopic('positive').readValuesToList()).toEqual([1, 200]);
    expect(driver.createOutputTopic('rest').readValuesToList()).toEqual([-1, 1]);
  });

  it('split rejects duplicate branch names', () => {
    const split = new StreamsBuilder()
      .stream('in')
      .split()
      .branch(() => true, 'a');
    expect(() => split.branch(() => true, 'a')).toThrow(/two branches/);
    expect(() => split.defaultBranch('a')).toThrow(/share a name/);
  });

  it('merge interleaves two streams in arrival order', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a');
    const b = builder.stream<string, string>('b');
    a.merge(b).to('out');
    const driver = new TopologyTestDriver(builder.build());
    const inA = driver.createInputTopic<string, string>('a');
    const inB = driver.createInputTopic<string, string>('b');
    inA.pipeInput('k', 'a1');
    inB.pipeInput('k', 'b1');
    inA.pipeInput('k', 'a2');
    expect(driver.createOutputTopic('out').readValuesToList()).toEqual(['a1', 'b1', 'a2']);
  });

  it('one stream can read several topics', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>(['x', 'y'])
      .mapValues((v) => v * 10)
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, number>('x').pipeInput('k', 1);
    driver.createInputTopic<string, number>('y').pipeInput('k', 2);
    expect(driver.createOutputTopic('out').readValuesToList()).toEqual([10, 20]);
  });

  it('what a topology writes to a topic it also reads comes back in, as through a broker', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in')
      .mapValues((v) => v + 1)
      .to('middle');
    builder
      .stream<string, number>('middle')
      .mapValues((v) => v * 2)
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, number>('in').pipeInput('k', 1);
    expect(driver.createOutputTopic('middle').readValuesToList()).toEqual([2]);
    expect(driver.createOutputTopic('out').readValuesToList()).toEqual([4]);
  });
});

describe('the test driver', () => {
  it("defaults a timestamp to the topic's previous one, moved by advanceTime", () => {
    const { input, output } = run<string, number, string, number>((s) => s);
    input.pipeInput('a', 1);
    input.pipeInput('a', 2, 1_000);
    input.pipeInput('a', 3);
    input.advanceTime(500);
    input.pipeValue(4);
    input.pipeRecords([{ key: 'b', value: 5, timestamp: 9_000 }, { value: 6 }]);
    expect(output.readRecordsToList()).toEqual([
      { key: 'a', value: 1, timestamp: 0 },
      { key: 'a', value: 2, timestamp: 1_000 },
      { key: 'a', value: 3, timestamp: 1_000 },
      { key: null, value: 4, timestamp: 1_500 },
      { key: 'b', value: 5, timestamp: 9_000 },
      { key: null, value: 6, timestamp: 9_000 },
    ]);
  });

  it('output topics count, drain and throw when empty', () => {
    const { input, output } = run<string, number, string, number>((s) => s);
    expect(output.isEmpty()).toBe(true);
    expect(() => output.readValue()).toThrow(/empty/);
    input.pipeInput('a', 1);
    input.pipeInput('b', 2);
    expect(output.getQueueSize()).toBe(2);
    expect(output.readKeyValue()).toEqual({ key: 'a', value: 1 });
    expect(output.readValue()).toBe(2);
    expect(output.isEmpty()).toBe(true);
    expect(output.readValuesToList()).toEqual([]);
  });

  it('refuses input topics the topology does not read, and negative timestamps', () => {
    const { driver, input } = run<string, number, string, number>((s) => s);
    expect(() => driver.createInputTopic('nope')).toThrow(/not a source topic/);
    expect(() => input.pipeInput('a', 1, -5)).toThrow(/timestamp/);
  });

  it('describes the topology and lists its topics and stores', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, number>(['a', 'b']).groupByKey().count('counts').toStream().to('out');
    const topology = builder.build();
    expect(topology.sourceTopics).toEqual(['a', 'b']);
    expect(topology.sinkTopics).toEqual(['out']);
    expect(topology.storeNames).toEqual(['counts']);
    const description = topology.describe();
    expect(description).toMatch(/KSTREAM-SOURCE-\d{10} \(topics: \[a, b\]\)/);
    expect(description).toMatch(/KSTREAM-AGGREGATE-\d{10} \(stores: \[counts\]\)/);
    expect(description).toMatch(/KSTREAM-SINK-\d{10} \(topic: out\)/);
  });

  it('a topic can be the source of one stream only', () => {
    const builder = new StreamsBuilder();
    builder.stream('in');
    expect(() => builder.stream('in')).toThrow(/already a source/);
  });
});
