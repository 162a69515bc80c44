import { describe, expect, it } from 'vitest';
import { KeyValue, StreamsBuilder, Suppressed, TopologyTestDriver, type KGroupedStream } from '../../src/index.js';

interface Order {
  readonly team: string;
  readonly shares: number;
}

function grouped<T>(build: (orders: KGroupedStream<string, Order>) => { toStream(): { to(topic: string): void } }) {
  const builder = new StreamsBuilder();
  build(builder.stream<string, Order>('orders').groupByKey()).toStream().to('out');
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic<string, Order>('orders'), output: driver.createOutputTopic<string, T>('out') };
}

describe('grouping and aggregating', () => {
  it('count emits the new count of the key on every record', () => {
    const { driver, input, output } = grouped<number>((g) => g.count('counts'));
    for (const key of ['a', 'b', 'a', 'a']) input.pipeInput(key, { team: 'T', shares: 1 });
    expect(output.readKeyValuesToList()).toEqual([KeyValue.pair('a', 1), KeyValue.pair('b', 1), KeyValue.pair('a', 2), KeyValue.pair('a', 3)]);
    const store = driver.getKeyValueStore<string, number>('counts');
    expect([...store.all()]).toEqual([KeyValue.pair('a', 3), KeyValue.pair('b', 1)]);
  });

  it('reduce folds values of the same type, starting from the first', () => {
    const { input, output } = grouped<Order>((g) => g.reduce((acc, o) => ({ team: acc.team, shares: acc.shares + o.shares })));
    input.pipeInput('a', { team: 'T1', shares: 2 });
    input.pipeInput('a', { team: 'T2', shares: 3 });
    expect(output.readValuesToList()).toEqual([
      { team: 'T1', shares: 2 },
      { team: 'T1', shares: 5 },
    ]);
  });

  it('aggregate folds into another type from an initial value', () => {
    const { input, output } = grouped<{ orders: number; shares: number }>((g) =>
      g.aggregate(
        () => ({ orders: 0, shares: 0 }),
        (_key, order, agg) => ({ orders: agg.orders + 1, shares: agg.shares + order.shares }),
      ),
    );
    input.pipeInput('a', { team: 'T', shares: 2 });
    input.pipeInput('a', { team: 'T', shares: 5 });
    expect(output.readValuesToList()).toEqual([
      { orders: 1, shares: 2 },
      { orders: 2, shares: 7 },
    ]);
  });

  it('groupBy regroups by a new key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders')
      .groupBy((_trader, order) => order.team)
      .aggregate(
        () => 0,
        (_team, order, total) => total + order.shares,
        'team-shares',
      )
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, Order>('orders');
    input.pipeInput('alice', { team: 'BONOBO', shares: 2 });
    input.pipeInput('bob', { team: 'GIBBON', shares: 1 });
    input.pipeInput('carol', { team: 'BONOBO', shares: 4 });
    expect(driver.createOutputTopic('out').readKeyValuesToList()).toEqual([
      KeyValue.pair('BONOBO', 2),
      KeyValue.pair('GIBBON', 1),
      KeyValue.pair('BONOBO', 6),
    ]);
    expect(driver.getKeyValueStore('team-shares').get('BONOBO')).toBe(6);
  });

  it('skips records with a null key or a null value, as Kafka Streams does', () => {
    const { input, output } = grouped<number>((g) => g.count());
    input.pipeValue({ team: 'T', shares: 1 });
    input.pipeInput('a', null as unknown as Order);
    input.pipeInput('a', { team: 'T', shares: 1 });
    expect(output.readValuesToList()).toEqual([1]);
  });

  it('names an unnamed store KSTREAM-AGGREGATE-STATE-STORE-N and refuses two stores of one name', () => {
    const builder = new StreamsBuilder();
    builder.stream('in').groupByKey().count();
    expect(builder.build().storeNames).toEqual([expect.stringMatching(/^KSTREAM-AGGREGATE-STATE-STORE-\d{10}$/)]);
    const twice = new StreamsBuilder();
    twice.stream('a').groupByKey().count('same');
    expect(() => twice.stream('b').groupByKey().count('same')).toThrow(/already exists/);
  });
});

describe('KTable', () => {
  it('table materializes the latest value per key; a tombstone deletes it', () => {
    const builder = new StreamsBuilder();
    builder.table<string, number>('prices', { storeName: 'latest' }).toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    const prices = driver.createInputTopic<string, number | null>('prices');
    prices.pipeInput('GNOU', 1);
    prices.pipeInput('GNOU', 2);
    prices.pipeInput('KIWI', 5);
    prices.pipeInput('KIWI', null);
    const store = driver.getKeyValueStore<string, number>('latest');
    expect(store.get('GNOU')).toBe(2);
    expect(store.get('KIWI')).toBeUndefined();
    expect(store.approximateNumEntries()).toBe(1);
    expect(driver.createOutputTopic('out').readKeyValuesToList()).toEqual([
      KeyValue.pair('GNOU', 1),
      KeyValue.pair('GNOU', 2),
      KeyValue.pair('KIWI', 5),
      KeyValue.pair('KIWI', null),
    ]);
  });

  it('filter sends a tombstone for every value it filters out, as Kafka Streams does without old values', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, number>('prices')
      .filter((_k, v) => v >= 10)
      .mapValues((v) => `${v} coins`)
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const prices = driver.createInputTopic<string, number>('prices');
    for (const price of [5, 12, 15, 3, 2]) prices.pipeInput('GNOU', price);
    expect(driver.createOutputTopic('out').readValuesToList()).toEqual([null, '12 coins', '15 coins', null, null]);
  });

  it('the table of an aggregation streams every update', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in')
      .groupByKey()
      .count()
      .filter((_k, count) => count % 2 === 0)
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    for (let i = 0; i < 4; i++) input.pipeInput('a', i);
    // 1 is filtered (a tombstone), 2 passes, 3 is filtered (a tombstone), 4 passes.
    expect(driver.createOutputTopic('out').readValuesToList()).toEqual([null, 2, null, 4]);
  });

  it('suppress is only for windowed tables', () => {
    const builder = new StreamsBuilder();
    expect(() => builder.stream('in').groupByKey().count().suppress(Suppressed.untilWindowCloses())).toThrow(/windowed table/);
  });
});
