import { describe, expectTypeOf, it } from 'vitest';
import {
  KeyValue,
  SessionWindows,
  StreamsBuilder,
  TimeWindows,
  type KStream,
  type KTable,
  type SessionWindowedKStream,
  type TimeWindowedKStream,
  type Windowed,
} from '../../src/index.js';

describe('types flow end to end', () => {
  it('operations carry key and value types', () => {
    const orders = new StreamsBuilder().stream<string, { shares: number }>('orders');
    expectTypeOf(orders.mapValues((o) => o.shares)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(orders.map((k, o) => KeyValue.pair(o.shares, k))).toEqualTypeOf<KStream<number, string>>();
    expectTypeOf(orders.selectKey(() => true)).toEqualTypeOf<KStream<boolean, { shares: number }>>();
    expectTypeOf(orders.groupByKey().count()).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(
      orders
        .split()
        .branch(() => true, 'a')
        .defaultBranch(),
    ).toEqualTypeOf<Record<string, KStream<string, { shares: number }>>>();
    const mergeNumbers = () =>
      // @ts-expect-error a stream of numbers cannot merge into a stream of orders
      orders.merge(new StreamsBuilder().stream<string, number>('n'));
    expectTypeOf(mergeNumbers).toBeFunction();
  });

  it('windowedBy picks the windowed stream by the kind of windows, and windowed tables have Windowed keys', () => {
    const grouped = new StreamsBuilder().stream<string, number>('in').groupByKey();
    expectTypeOf(grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10))).toEqualTypeOf<TimeWindowedKStream<string, number>>();
    expectTypeOf(grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))).toEqualTypeOf<SessionWindowedKStream<string, number>>();
    expectTypeOf(
      grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10)).aggregate(
        () => '',
        (_k, v, a) => a + v,
      ),
    ).toEqualTypeOf<KTable<Windowed<string>, string>>();
  });

  it('a join types the table value, optional for leftJoin', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, { team: string }>('traders');
    builder.stream<string, number>('orders').leftJoin(table, (_v, trader) => {
      expectTypeOf(trader).toEqualTypeOf<{ team: string } | undefined>();
      return 0;
    });
    expectTypeOf(builder.stream<string, number>('o2').join(table, (v, t) => `${t.team}${v}`)).toEqualTypeOf<KStream<string, string>>();
  });
});
