/**
 * Retention: windowed stores, session stores, sliding windows' records and
 * stream–stream join buffers drop what can no longer change or join, through
 * the store, so the changelog gets a tombstone for each (Kafka's segmented
 * stores drop old segments instead and let the changelog topic's retention
 * delete them).
 */
import { describe, expect, it } from 'vitest';
import {
  JoinWindows,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyRuntime,
  TopologyTestDriver,
  type Windowed,
  Materialized,
} from '../../src/index.js';

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

/** counts per key in tumbling windows of 10 ms, no grace, in the store "counts". */
function tumblingApp(store: string | Materialized = 'counts') {
  const builder = new StreamsBuilder();
  builder.stream<string, number>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(store).toStream().to('out');
  return builder.build();
}

/** Every changelog write of a runtime, decoded. */
function recorded() {
  const writes: { store: string; key: unknown; value: unknown }[] = [];
  const changelog: [string, Buffer, Buffer | null][] = [];
  const onStoreChange = (store: string, key: Buffer, value: Buffer | null) => {
    changelog.push([store, key, value]);
    writes.push({ store, key: JSON.parse(key.toString()), value: value === null ? null : JSON.parse(value.toString()) });
  };
  return { writes, changelog, onStoreChange };
}

describe('retention of windowed stores', () => {
  it('a time-windowed store keeps a window until it closes (size + grace past its start), then deletes it', () => {
    const driver = new TopologyTestDriver(tumblingApp());
    const input = driver.createInputTopic<string, number>('in');
    const store = driver.getKeyValueStore<Windowed<string>, number>('counts');
    for (const key of ['a', 'b', 'c']) input.pipeInput(key, 1, 5);
    expect(store.approximateNumEntries()).toBe(3);
    input.pipeInput('a', 1, 12); // [10, 20) opens; [0, 10) has closed and expired (start 0 ≤ 10 − 10)
    expect([...store.all()].map((e) => e.key)).toEqual([{ key: 'a', window: { start: 10, end: 20 } }]);
    expect(store.approximateNumEntries()).toBe(1);
    expect(store.get({ key: 'b', window: { start: 0, end: 10 } })).toBeUndefined();
  });

  it('every window deleted by retention is a tombstone in the changelog', () => {
    const { writes, onStoreChange } = recorded();
    const runtime = new TopologyRuntime(tumblingApp(), { onStoreChange });
    runtime.process('in', bytes('a'), bytes(1), 5);
    runtime.process('in', bytes('b'), bytes(1), 7);
    runtime.process('in', bytes('a'), bytes(1), 10);
    expect(writes.filter((w) => w.store === 'counts')).toEqual([
      { store: 'counts', key: { key: 'a', window: { start: 0, end: 10 } }, value: 1 },
      { store: 'counts', key: { key: 'b', window: { start: 0, end: 10 } }, value: 1 },
      { store: 'counts', key: { key: 'a', window: { start: 10, end: 20 } }, value: 1 },
      { store: 'counts', key: { key: 'a', window: { start: 0, end: 10 } }, value: null },
      { store: 'counts', key: { key: 'b', window: { start: 0, end: 10 } }, value: null },
    ]);
  });

  it('a late record for a purged window is dropped and counted, also after a restart, when the stream time of the aggregation starts again', () => {
    const { changelog, onStoreChange } = recorded();
    const first = new TopologyRuntime(tumblingApp(), { onStoreChange });
    first.process('in', bytes('a'), bytes(1), 5);
    first.process('in', bytes('a'), bytes(1), 25);
    expect(first.process('in', bytes('a'), bytes(1), 6)).toEqual([]);
    expect(first.droppedRecords()).toBe(1);

    // The aggregation's own stream time is −1 again, as Kafka's observedStreamTime: the store's, restored from its
    // changelog (20, its largest window start), is what keeps [0, 10) expired.
    const second = new TopologyRuntime(tumblingApp());
    for (const [store, key, value] of changelog) second.restore(store, key, value);
    expect(second.store<Windowed<string>, number>('counts').get({ key: 'a', window: { start: 0, end: 10 } })).toBeUndefined();
    expect(second.process('in', bytes('a'), bytes(1), 7)).toEqual([]);
    expect(second.droppedRecords()).toBe(1);
    const [update] = second.process('in', bytes('a'), bytes(1), 26);
    expect(JSON.parse(update.value?.toString() ?? '')).toBe(2);
  });

  it('Materialized.withRetention keeps closed windows longer, readable but closed; a retention below size + grace is refused', () => {
    const driver = new TopologyTestDriver(tumblingApp(Materialized.as('counts').withRetention(30)));
    const input = driver.createInputTopic<string, number>('in');
    const store = driver.getKeyValueStore<Windowed<string>, number>('counts');
    input.pipeInput('a', 1, 5);
    input.pipeInput('a', 1, 25);
    expect(store.get({ key: 'a', window: { start: 0, end: 10 } })).toBe(1);
    input.pipeInput('a', 1, 6); // closed, though still in the store: late
    expect(driver.droppedRecords()).toBe(1);
    input.pipeInput('a', 1, 30); // the store's stream time 30: [0, 10) has expired
    expect(store.get({ key: 'a', window: { start: 0, end: 10 } })).toBeUndefined();
    expect(() => tumblingApp(Materialized.as('counts').withRetention(9))).toThrow(/no smaller than window size \+ grace \(10 ms\)/);
  });

  it('a session store deletes a session once it has closed (end + gap + 1 + grace), and a record can no longer merge into it', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in')
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5))
      .count('sessions')
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    const store = driver.getKeyValueStore<Windowed<string>, number>('sessions');
    input.pipeInput('a', 1, 100);
    input.pipeInput('b', 1, 115); // 100 + 10 + 1 + 5 = 116: [100, 100] still open
    expect(store.approximateNumEntries()).toBe(2);
    input.pipeInput('b', 1, 116); // now closed, and gone
    expect([...store.all()].map((e) => e.key)).toEqual([{ key: 'b', window: { start: 115, end: 116 } }]);
    input.pipeInput('a', 1, 105); // would have merged into [100, 100]; it is [105, 105] alone, still open
    expect(driver.droppedRecords()).toBe(0);
    expect(store.get({ key: 'a', window: { start: 105, end: 105 } })).toBe(1);
  });

  it('sliding windows: the windows and the records they were folded from go once every window of theirs has closed', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, number>('in').groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count('sliding');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    for (const key of ['a', 'b', 'c']) input.pipeInput(key, 1, 100);
    expect(driver.getKeyValueStore('sliding-records').approximateNumEntries()).toBe(3);
    input.pipeInput('a', 1, 200);
    // Windows: kept 2 × 10 past their start; records: until their last window [t, t + 10] closes.
    expect([...driver.getKeyValueStore<Windowed<string>, number>('sliding').all()].map((e) => e.key)).toEqual([
      { key: 'a', window: { start: 190, end: 200 } },
    ]);
    expect(driver.getKeyValueStore('sliding-records').approximateNumEntries()).toBe(1);
  });

  it('stream–stream join buffers drop records older than the join’s stream time − (before + after + grace), with tombstones', () => {
    const builder = new StreamsBuilder();
    const left = builder.stream<string, string>('left');
    left
      .join(builder.stream<string, string>('right'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5), { storeName: 'j' })
      .to('out');
    const { writes, onStoreChange } = recorded();
    const runtime = new TopologyRuntime(builder.build(), { onStoreChange });
    runtime.process('left', bytes('a'), bytes('L1'), 100);
    runtime.process('right', bytes('b'), bytes('R1'), 100);
    runtime.process('left', bytes('c'), bytes('L2'), 125); // 100 ≥ 125 − 25: both kept
    expect(runtime.store('j-this-join-store').approximateNumEntries()).toBe(2);
    runtime.process('left', bytes('c'), bytes('L3'), 126); // 100 < 126 − 25: purged from both buffers
    expect(runtime.store('j-this-join-store').approximateNumEntries()).toBe(1);
    expect(runtime.store('j-other-join-store').approximateNumEntries()).toBe(0);
    expect(writes.filter((w) => w.value === null)).toEqual([
      { store: 'j-this-join-store', key: 'a', value: null },
      { store: 'j-other-join-store', key: 'b', value: null },
    ]);
  });
});
