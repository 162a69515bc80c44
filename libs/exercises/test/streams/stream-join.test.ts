/**
 * Windowed stream–stream joins: `KStream.join(other, joiner, JoinWindows, StreamJoined?)`.
 * The scenarios cited as `KStreamKStreamJoinTest#…` are ported from Kafka Streams'
 * streams/src/test/java/org/apache/kafka/streams/kstream/internals/KStreamKStreamJoinTest.java.
 */
import { describe, expect, it } from 'vitest';
import { JoinWindows, StreamsBuilder, TopologyRuntime, TopologyTestDriver, type StreamJoined } from '../../src/index.js';

const DAY = 24 * 60 * 60 * 1000;

/** Kafka's deprecated `JoinWindows.of(d)`, which its older tests use: grace 24 h − 2d. */
const legacyJoinWindows = (d: number) => JoinWindows.ofTimeDifferenceAndGrace(d, DAY - 2 * d);

/** topic1.join(topic2) with Kafka's MockValueJoiner.TOSTRING_JOINER ("A0+a0"), read back from "out". */
function joinApp(windows: JoinWindows, streamJoined?: StreamJoined<number, string, string>) {
  const builder = new StreamsBuilder();
  const stream1 = builder.stream<number, string>('topic1');
  const stream2 = builder.stream<number, string>('topic2');
  stream1.join(stream2, (value1, value2) => `${value1}+${value2}`, windows, streamJoined).to('out');
  const topology = builder.build();
  const driver = new TopologyTestDriver(topology);
  const topic1 = driver.createInputTopic<number, string>('topic1');
  const topic2 = driver.createInputTopic<number, string>('topic2');
  const out = driver.createOutputTopic<number, string>('out');
  /** Pipes `prefix + key` for each key, at `time + offset(i)`. */
  const push = (topic: typeof topic1, prefix: string, keys: number[], time: number, offset: (i: number) => number = () => 0) =>
    keys.forEach((key, i) => topic.pipeInput(key, `${prefix}${key}`, time + offset(i)));
  return { topology, driver, topic1, topic2, out, push };
}

const rec = (key: number, value: string, timestamp: number) => ({ key, value, timestamp });

describe('windowed stream–stream join', () => {
  it('joins a record with every record of the other stream with its key in the window, whichever side comes first (KStreamKStreamJoinTest#testJoin)', () => {
    const { topic1, topic2, out, push } = joinApp(legacyJoinWindows(100));
    const all = [0, 1, 2, 3];
    push(topic1, 'A', [0, 1], 0); // the other side is empty
    expect(out.readRecordsToList()).toEqual([]);
    push(topic2, 'a', [0, 1], 0);
    expect(out.readRecordsToList()).toEqual([rec(0, 'A0+a0', 0), rec(1, 'A1+a1', 0)]);
    push(topic1, 'B', all, 0);
    expect(out.readRecordsToList()).toEqual([rec(0, 'B0+a0', 0), rec(1, 'B1+a1', 0)]);
    push(topic2, 'b', all, 0); // joins every buffered record of topic1 with its key, in the order they came
    expect(out.readRecordsToList()).toEqual([
      rec(0, 'A0+b0', 0),
      rec(0, 'B0+b0', 0),
      rec(1, 'A1+b1', 0),
      rec(1, 'B1+b1', 0),
      rec(2, 'B2+b2', 0),
      rec(3, 'B3+b3', 0),
    ]);
    push(topic1, 'C', all, 0);
    expect(out.readRecordsToList()).toEqual([
      rec(0, 'C0+a0', 0),
      rec(0, 'C0+b0', 0),
      rec(1, 'C1+a1', 0),
      rec(1, 'C1+b1', 0),
      rec(2, 'C2+b2', 0),
      rec(3, 'C3+b3', 0),
    ]);
    push(topic2, 'c', [0, 1], 0);
    expect(out.readRecordsToList()).toEqual([
      rec(0, 'A0+c0', 0),
      rec(0, 'B0+c0', 0),
      rec(0, 'C0+c0', 0),
      rec(1, 'A1+c1', 0),
      rec(1, 'B1+c1', 0),
      rec(1, 'C1+c1', 0),
    ]);
  });

  it('joins only records at most d apart, both ends inclusive, and stamps the result with the later timestamp (KStreamKStreamJoinTest#testWindowing, from "advance time")', () => {
    const { topic1, topic2, out, push } = joinApp(legacyJoinWindows(100));
    const all = [0, 1, 2, 3];
    push(topic2, 'l', all, 2000, (i) => i); // l0 at 2000 … l3 at 2003
    expect(out.readRecordsToList()).toEqual([]);
    push(topic1, 'C', all, 2100);
    expect(out.readRecordsToList()).toEqual([rec(0, 'C0+l0', 2100), rec(1, 'C1+l1', 2100), rec(2, 'C2+l2', 2100), rec(3, 'C3+l3', 2100)]);
    push(topic1, 'D', all, 2101);
    expect(out.readRecordsToList()).toEqual([rec(1, 'D1+l1', 2101), rec(2, 'D2+l2', 2101), rec(3, 'D3+l3', 2101)]);
    push(topic1, 'E', all, 2102);
    expect(out.readRecordsToList()).toEqual([rec(2, 'E2+l2', 2102), rec(3, 'E3+l3', 2102)]);
    push(topic1, 'F', all, 2103);
    expect(out.readRecordsToList()).toEqual([rec(3, 'F3+l3', 2103)]);
    push(topic1, 'G', all, 2104); // now out of every l's window
    expect(out.readRecordsToList()).toEqual([]);
    push(topic1, 'H', all, 1899); // before every l's window
    expect(out.readRecordsToList()).toEqual([]);
    push(topic1, 'I', all, 1900); // out of order, within grace: the later timestamp is the l's
    expect(out.readRecordsToList()).toEqual([rec(0, 'I0+l0', 2000)]);
    push(topic1, 'J', all, 1901);
    expect(out.readRecordsToList()).toEqual([rec(0, 'J0+l0', 2000), rec(1, 'J1+l1', 2001)]);
  });

  it('before() and after() make the window asymmetric: this stream’s record at t joins the other’s in [t − before, t + after]', () => {
    const { topic1, topic2, out } = joinApp(JoinWindows.ofTimeDifferenceAndGrace(0, 1000).after(100));
    topic2.pipeInput(0, 'early', 950); // 50 before: outside [t, t + 100]
    topic2.pipeInput(0, 'same', 1000);
    topic1.pipeInput(0, 'X', 1000);
    topic2.pipeInput(0, 'late', 1100); // exactly t + 100: inside
    topic2.pipeInput(0, 'too-late', 1101);
    expect(out.readRecordsToList()).toEqual([rec(0, 'X+same', 1000), rec(0, 'X+late', 1100)]);
  });

  it('drops a record whose window has closed — its end + grace before stream time — and counts it, however close its match', () => {
    const { driver, topic1, topic2, out } = joinApp(JoinWindows.ofTimeDifferenceAndGrace(100, 50));
    topic1.pipeInput(0, 'A', 1000);
    topic2.pipeInput(1, 'x', 1250); // another key moves stream time to 1250
    topic2.pipeInput(0, 'b', 1100); // its window [1000, 1200] + 50 of grace closes at 1250: still open
    topic2.pipeInput(0, 'c', 1099); // [999, 1199] + 50 < 1250: late, though A is 1 ms away
    expect({ joined: out.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({
      joined: [rec(0, 'A+b', 1100)],
      droppedRecords: 1,
    });
  });

  it('skips a record with a null key or a null value, uncounted (KStreamKStreamJoinTest#shouldLogAndMeterOnSkippedRecordsWithNullValue: Kafka meters it)', () => {
    const { driver, topic1, topic2, out } = joinApp(JoinWindows.ofTimeDifferenceWithNoGrace(100));
    topic2.pipeInput(0, 'a', 0);
    topic1.pipeInput(0, null as unknown as string, 0);
    topic1.pipeValue('A', 0);
    expect({ joined: out.readRecordsToList(), droppedRecords: driver.droppedRecords() }).toEqual({ joined: [], droppedRecords: 0 });
  });

  it('purges a buffered record once stream time is past it by before + after + grace: no record still accepted could join it', () => {
    const { driver, topic1, topic2 } = joinApp(JoinWindows.ofTimeDifferenceAndGrace(100, 50), { storeName: 'orders' });
    topic1.pipeInput(0, 'A', 1000);
    topic2.pipeInput(0, 'a', 1000);
    const buffered = () => ({
      this: [...driver.getKeyValueStore<number, unknown[]>('orders-this-join-store').all()].length,
      other: [...driver.getKeyValueStore<number, unknown[]>('orders-other-join-store').all()].length,
    });
    topic2.pipeInput(1, 'x', 1250); // 1000 ≥ 1250 − 250: kept
    expect(buffered()).toEqual({ this: 1, other: 2 });
    topic2.pipeInput(1, 'y', 1251); // 1000 < 1251 − 250: purged
    expect(buffered()).toEqual({ this: 0, other: 1 });
  });

  it('names its stores after StreamJoined.storeName, or after its join nodes, and throws without JoinWindows or across builders', () => {
    const named = joinApp(JoinWindows.ofTimeDifferenceWithNoGrace(5), { storeName: 'latency' });
    const unnamed = joinApp(JoinWindows.ofTimeDifferenceWithNoGrace(5));
    expect({ named: named.topology.storeNames, unnamed: unnamed.topology.storeNames }).toEqual({
      named: ['latency-this-join-store', 'latency-other-join-store'],
      unnamed: ['KSTREAM-JOINTHIS-0000000002-store', 'KSTREAM-JOINOTHER-0000000003-store'],
    });
    const builder = new StreamsBuilder();
    const left = builder.stream<string, number>('left');
    const right = new StreamsBuilder().stream<string, number>('right');
    expect(() => left.join(right, (a, b) => a + b, JoinWindows.ofTimeDifferenceWithNoGrace(1))).toThrow('same StreamsBuilder');
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(10).before(-11)).toThrow('before + after ≥ 0');
  });

  it('restores both buffers from their changelogs, so a restarted app still joins a record with one from before the restart (the Kafka runner)', () => {
    const build = () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('orders')
        .join(builder.stream<string, string>('results'), (order, result) => `${order}→${result}`, JoinWindows.ofTimeDifferenceWithNoGrace(5000))
        .to('latencies');
      return builder.build();
    };
    const changelog: { store: string; key: Buffer; value: Buffer | null }[] = [];
    const first = new TopologyRuntime(build(), { onStoreChange: (store, key, value) => changelog.push({ store, key, value }) });
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    first.process('orders', json('alice'), json('order-1'), 1000);
    first.close();
    const second = new TopologyRuntime(build());
    for (const { store, key, value } of changelog) second.restore(store, key, value);
    const out = second.process('results', json('alice'), json('result-1'), 3000);
    expect(out.map((r) => ({ topic: r.topic, key: JSON.parse(String(r.key)), value: JSON.parse(String(r.value)), timestamp: r.timestamp }))).toEqual([
      { topic: 'latencies', key: 'alice', value: 'order-1→result-1', timestamp: 3000 },
    ]);
  });
});
