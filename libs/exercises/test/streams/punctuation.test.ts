import { describe, expect, it } from 'vitest';
import {
  PunctuationType,
  Stores,
  StreamsBuilder,
  TopologyRuntime,
  TopologyTestDriver,
  type Cancellable,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
  type Topology,
} from '../../src/index.js';

/** Records the times its punctuator was called with, and forwards a record for each, stamped with that time. */
class Ticker implements Processor<string, number, string, string> {
  readonly punctuatedAt: number[] = [];
  cancellable!: Cancellable;

  constructor(
    private readonly intervalMs: number,
    private readonly type: PunctuationType,
    private readonly onTick?: (ticker: Ticker) => void,
  ) {}

  init(context: ProcessorContext<string, string>): void {
    this.cancellable = context.schedule(this.intervalMs, this.type, (timestamp) => {
      this.punctuatedAt.push(timestamp);
      context.forward({ key: 'tick', value: `${this.type}@${timestamp}`, timestamp });
      this.onTick?.(this);
    });
  }

  process(_record: StreamRecord<string, number>): void {}
}

/** Remembers when each key was last seen; every 10 ms of stream time, forgets the keys not seen for more than 10 ms. */
class ForgetOld implements Processor<string, number, string, number> {
  private seen!: KeyValueStore<string, number>;

  init(context: ProcessorContext<string, number>): void {
    const seen = context.getStateStore<string, number>('seen');
    this.seen = seen;
    context.schedule(10, PunctuationType.STREAM_TIME, (now) => {
      for (const { key, value } of [...seen.all()]) if (value < now - 10) seen.delete(key);
    });
  }

  process(record: StreamRecord<string, number>): void {
    this.seen.put(record.key, record.timestamp);
  }
}

function tickerApp(make: () => Ticker): { topology: Topology; tickers: Ticker[] } {
  const tickers: Ticker[] = [];
  const builder = new StreamsBuilder();
  builder
    .stream<string, number>('in')
    .process(() => {
      const ticker = make();
      tickers.push(ticker);
      return ticker;
    })
    .to('ticks');
  return { topology: builder.build(), tickers };
}

describe('context.schedule with STREAM_TIME', () => {
  // Ported from Kafka's TopologyTestDriverTest#shouldPunctuateOnStreamsTime (interval 10, same timestamps, same expectations).
  it('fires at the first record, then each time stream time reaches the next multiple of the interval, once however many were skipped', () => {
    const { topology, tickers } = tickerApp(() => new Ticker(10, PunctuationType.STREAM_TIME));
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic<string, number>('in');
    const expected: number[] = [];
    const steps: [number, number | undefined][] = [
      [42, 42],
      [42, undefined],
      [51, 51],
      [52, undefined],
      [61, 61],
      [65, undefined],
      [71, 71],
      [72, undefined],
      [95, 95], // 80 and 90 were skipped: one punctuation, then due at 100
      [101, 101],
      [102, undefined],
    ];
    for (const [timestamp, fires] of steps) {
      input.pipeInput('k', 1, timestamp);
      if (fires !== undefined) expected.push(fires);
      expect({ timestamp, punctuatedAt: tickers[0].punctuatedAt }).toEqual({ timestamp, punctuatedAt: expected });
    }
  });

  it('does not fire for records older than stream time, nor when only the wall clock moves', () => {
    const { topology, tickers } = tickerApp(() => new Ticker(10, PunctuationType.STREAM_TIME));
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
    const input = driver.createInputTopic<string, number>('in');
    input.pipeInput('k', 1, 20);
    input.pipeInput('k', 1, 5); // out of order: stream time stays 20
    driver.advanceWallClockTime(1_000);
    expect(tickers[0].punctuatedAt).toEqual([20]);
  });

  it('sends what the punctuator forwards downstream, with the timestamp it gave', () => {
    const { topology } = tickerApp(() => new Ticker(10, PunctuationType.STREAM_TIME));
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic<string, number>('in');
    const ticks = driver.createOutputTopic<string, string>('ticks');
    input.pipeInput('k', 1, 3);
    input.pipeInput('k', 1, 27);
    expect(ticks.readRecordsToList()).toEqual([
      { key: 'tick', value: 'STREAM_TIME@3', timestamp: 3 },
      { key: 'tick', value: 'STREAM_TIME@27', timestamp: 27 },
    ]);
  });

  it('stops after cancel(), even when cancelled from inside the punctuator', () => {
    const { topology, tickers } = tickerApp(
      () => new Ticker(10, PunctuationType.STREAM_TIME, (ticker) => ticker.punctuatedAt.length === 2 && ticker.cancellable.cancel()),
    );
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic<string, number>('in');
    for (const timestamp of [0, 10, 20, 30]) input.pipeInput('k', 1, timestamp);
    expect(tickers[0].punctuatedAt).toEqual([0, 10]);
  });

  it('lets a punctuator clean a store, whose changelog sees the deletes', () => {
    const changes: string[] = [];
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStore<string, number>('seen'));
    builder.stream<string, number>('in').process(() => new ForgetOld(), 'seen');
    const runtime = new TopologyRuntime(builder.build(), {
      onStoreChange: (store, key, value) => store === 'seen' && changes.push(`${key.toString()}=${value?.toString() ?? 'null'}`),
    });
    const send = (key: string, timestamp: number) => runtime.process('in', Buffer.from(JSON.stringify(key)), Buffer.from('1'), timestamp);
    send('a', 1); // punctuation at 1 (the first record): nothing older than 1 − 10
    send('b', 15); // punctuation at 15 (due 10): a, last seen at 1 < 15 − 10, is deleted
    send('b', 25); // punctuation at 25 (due 20): b was seen at 25
    expect({ changes, entries: [...runtime.store<string, number>('seen').all()] }).toEqual({
      changes: ['"a"=1', '"b"=15', '"a"=null', '"b"=25'],
      entries: [{ key: 'b', value: 25 }],
    });
  });

  it('rejects an interval under 1 ms, as Kafka does', () => {
    const { topology } = tickerApp(() => new Ticker(0, PunctuationType.STREAM_TIME));
    expect(() => new TopologyTestDriver(topology)).toThrow('the minimum supported scheduling interval is 1 millisecond, got 0');
  });
});

describe('context.schedule with WALL_CLOCK_TIME', () => {
  // Ported from Kafka's TopologyTestDriverTest#shouldPunctuateOnWallClockTime (interval 10, clock from 0, same steps).
  it('fires when advanceWallClockTime reaches the next point of its grid from when it was scheduled, once per advance', () => {
    const { topology, tickers } = tickerApp(() => new Ticker(10, PunctuationType.WALL_CLOCK_TIME));
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
    const steps: [number, number | undefined][] = [
      [5, undefined],
      [9, 14],
      [1, undefined],
      [20, 35], // 20 and 30 were due: one punctuation, then due at 40
      [5, 40],
    ];
    const expected: number[] = [];
    for (const [advance, fires] of steps) {
      driver.advanceWallClockTime(advance);
      if (fires !== undefined) expected.push(fires);
      expect({ wallClock: driver.wallClockTimeMs, punctuatedAt: tickers[0].punctuatedAt }).toEqual({
        wallClock: driver.wallClockTimeMs,
        punctuatedAt: expected,
      });
    }
  });

  it('fires without any record, and what it forwards reaches the output topic; records do not make it fire', () => {
    const { topology } = tickerApp(() => new Ticker(1_000, PunctuationType.WALL_CLOCK_TIME));
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 500 });
    const input = driver.createInputTopic<string, number>('in');
    const ticks = driver.createOutputTopic<string, string>('ticks');
    input.pipeInput('k', 1, 1_000_000);
    expect(ticks.readRecordsToList()).toEqual([]);
    driver.advanceWallClockTime(1_000);
    expect(ticks.readRecordsToList()).toEqual([{ key: 'tick', value: 'WALL_CLOCK_TIME@1500', timestamp: 1500 }]);
  });

  it('advanceWallClockTime does not move stream time', () => {
    const { topology, tickers } = tickerApp(() => new Ticker(10, PunctuationType.STREAM_TIME));
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
    driver.createInputTopic<string, number>('in').pipeInput('k', 1, 100);
    driver.advanceWallClockTime(60_000);
    driver.createInputTopic<string, number>('in').pipeInput('k', 1, 105);
    expect(tickers[0].punctuatedAt).toEqual([100]);
  });

  it('rejects moving the wall clock back', () => {
    const driver = new TopologyTestDriver(tickerApp(() => new Ticker(10, PunctuationType.WALL_CLOCK_TIME)).topology);
    expect(() => driver.advanceWallClockTime(-1)).toThrow('advanceWallClockTime takes 0 or more ms, got -1');
  });
});
