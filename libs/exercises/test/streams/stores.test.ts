import { describe, expect, it } from 'vitest';
import {
  KeyValue,
  Serdes,
  SessionWindows,
  SlidingWindows,
  Stores,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyRuntime,
  TopologyTestDriver,
  STREAM_TIME_STORE,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
} from '../../src/index.js';

/** Emits a trader's order only when it differs from their previous one, and the stream time it saw. */
class Deduplicate implements Processor<string, number, string, { shares: number; streamTimeMs: number }> {
  private context!: ProcessorContext<string, { shares: number; streamTimeMs: number }>;

  init(context: ProcessorContext<string, { shares: number; streamTimeMs: number }>): void {
    this.context = context;
  }

  process(record: StreamRecord<string, number>): void {
    const last = this.context.getStateStore<string, number>('last-order');
    if (last.get(record.key) === record.value) return;
    last.put(record.key, record.value);
    this.context.forward({ key: record.key, value: { shares: record.value, streamTimeMs: this.context.streamTimeMs }, timestamp: record.timestamp });
  }
}

describe('process() with state stores', () => {
  it('a processor reads and writes its named store, forwards what it likes and sees stream time', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStore<string, number>('last-order'));
    builder
      .stream<string, number>('in')
      .process(() => new Deduplicate(), 'last-order')
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    input.pipeInput('alice', 2, 50);
    input.pipeInput('alice', 2, 40);
    input.pipeInput('bob', 2, 30);
    input.pipeInput('alice', 3, 60);
    expect(driver.createOutputTopic('out').readKeyValuesToList()).toEqual([
      KeyValue.pair('alice', { shares: 2, streamTimeMs: 50 }),
      KeyValue.pair('bob', { shares: 2, streamTimeMs: 50 }),
      KeyValue.pair('alice', { shares: 3, streamTimeMs: 60 }),
    ]);
    const store = driver.getKeyValueStore<string, number>('last-order');
    expect([...store.all()]).toEqual([KeyValue.pair('alice', 3), KeyValue.pair('bob', 2)]);
  });

  it('one supplier call per processor instance, init before the first record, close on close()', () => {
    const calls: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream('in').process(() => {
      calls.push('supply');
      return { init: () => calls.push('init'), process: () => calls.push('process'), close: () => calls.push('close') };
    });
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in');
    input.pipeInput('k', 1);
    input.pipeInput('k', 2);
    driver.close();
    driver.close();
    expect(calls).toEqual(['supply', 'init', 'process', 'process', 'close']);
  });

  it('a processor may only use the stores it was connected to', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStore('secret'));
    builder.stream('in').process(() => {
      let context!: ProcessorContext<unknown, unknown>;
      return { init: (c) => (context = c), process: () => context.getStateStore('secret') };
    });
    const driver = new TopologyTestDriver(builder.build());
    expect(() => driver.createInputTopic('in').pipeInput('k', 1)).toThrow(/not connected/);
    expect(() => new StreamsBuilder().stream('in').process(() => ({ process: () => undefined }), 'missing')).toThrow(/was not added/);
  });

  it('the key-value store: get, put, delete, all in key order, size; a null value deletes', () => {
    const store = Stores.keyValueStore<{ team: string }, number>('s').build();
    store.put({ team: 'b' }, 2);
    store.put({ team: 'a' }, 1);
    store.put({ team: 'c' }, 3);
    store.delete({ team: 'c' });
    store.put({ team: 'b' }, null as unknown as number);
    expect(store.get({ team: 'a' })).toBe(1);
    expect(store.get({ team: 'b' })).toBeUndefined();
    expect([...store.all()]).toEqual([KeyValue.pair({ team: 'a' }, 1)]);
    expect(store.approximateNumEntries()).toBe(1);
    expect(() => Stores.keyValueStore('')).toThrow(RangeError);
  });
});

describe('TopologyRuntime, the engine under both runners', () => {
  function windowedApp() {
    const builder = new StreamsBuilder();
    builder.stream<string, number>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count('counts').toStream().to('out');
    return builder.build();
  }
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('returns the sink records serialized, and reports every store write as changelog bytes', () => {
    const changes: [string, string, string | null][] = [];
    const runtime = new TopologyRuntime(windowedApp(), {
      onStoreChange: (store, key, value) => changes.push([store, key.toString(), value?.toString() ?? null]),
    });
    const out = runtime.process('in', bytes('a'), bytes(1), 12);
    expect(out).toEqual([{ topic: 'out', key: bytes({ key: 'a', window: { start: 10, end: 20 } }), value: bytes(1), timestamp: 12 }]);
    expect(changes).toEqual([
      [STREAM_TIME_STORE, '"streamTimeMs"', '12'],
      ['counts', '{"key":"a","window":{"start":10,"end":20}}', '1'],
    ]);
    expect(runtime.changelogStoreNames).toEqual(['counts', STREAM_TIME_STORE]);
  });

  it('restored stores and stream time carry on: counts continue and late records stay late', () => {
    const changelog: [string, Buffer, Buffer | null][] = [];
    const first = new TopologyRuntime(windowedApp(), { onStoreChange: (store, key, value) => changelog.push([store, key, value]) });
    first.process('in', bytes('a'), bytes(1), 12);
    first.process('in', bytes('a'), bytes(1), 15);
    first.process('in', bytes('b'), bytes(1), 21);

    const second = new TopologyRuntime(windowedApp());
    for (const [store, key, value] of changelog) second.restore(store, key, value);
    expect(second.streamTimeMs).toBe(21);
    expect(second.process('in', bytes('a'), bytes(1), 3)).toEqual([]); // stream time 21 closed [0, 10)
    expect(second.droppedRecords()).toBe(1);
    const [out] = second.process('in', bytes('b'), bytes(1), 25);
    expect(JSON.parse(out.value?.toString() ?? '')).toBe(2);
    expect(second.streamTimeMs).toBe(25);
    expect(() => second.restore('counts', bytes('x'), null)).toThrow(/before processing/);
  });

  it('sessions, sliding windows and suppressed results carry on after a restore', () => {
    const app = () => {
      const builder = new StreamsBuilder();
      const stream = builder.stream<string, number>('in');
      stream.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count('sessions').toStream().to('sessions');
      stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count('sliding').toStream().to('sliding');
      stream.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(100)).count().suppress(Suppressed.untilWindowCloses()).toStream().to('final');
      return builder.build();
    };
    const changelog: [string, Buffer, Buffer | null][] = [];
    const first = new TopologyRuntime(app(), { onStoreChange: (store, key, value) => changelog.push([store, key, value]) });
    first.process('in', bytes('a'), bytes(1), 100);
    first.process('in', bytes('a'), bytes(1), 105);

    const second = new TopologyRuntime(app());
    for (const [store, key, value] of changelog) second.restore(store, key, value);
    const outputs = second.process('in', bytes('a'), bytes(1), 112);
    const read = (topic: string) =>
      outputs.filter((o) => o.topic === topic).map((o) => [JSON.parse(o.key?.toString() ?? '').window, JSON.parse(o.value?.toString() ?? 'null')]);
    expect(read('sessions')).toEqual([
      [{ start: 100, end: 105 }, null],
      [{ start: 100, end: 112 }, 3],
    ]);
    expect(read('sliding')).toEqual([
      [{ start: 102, end: 112 }, 2],
      [{ start: 106, end: 116 }, 1],
    ]);
    expect(read('final')).toEqual([]);
    expect(
      second
        .process('in', bytes('b'), bytes(1), 200)
        .filter((o) => o.topic === 'final')
        .map((o) => o.value?.toString()),
    ).toEqual(['3']);
  });

  it('stores can have their own serdes', () => {
    const store = Stores.keyValueStore('named', { keySerde: Serdes.string(), valueSerde: Serdes.string() });
    const changes: string[] = [];
    const built = store.build((_name, key, value) => changes.push(`${key.toString()}=${value?.toString()}`));
    built.put('k', 'v');
    expect(changes).toEqual(['k=v']);
  });
});
