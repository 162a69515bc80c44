import { describe, expect, it } from 'vitest';
import { KeyValue, StreamsBuilder, TopologyTestDriver } from '../../src/index.js';

interface Trader {
  readonly team: string;
}

function joinApp(kind: 'join' | 'leftJoin') {
  const builder = new StreamsBuilder();
  const traders = builder.table<string, Trader>('traders');
  const orders = builder.stream<string, number>('orders');
  const joined =
    kind === 'join'
      ? orders.join(traders, (shares, trader, name) => `${name}@${trader.team}:${shares}`)
      : orders.leftJoin(traders, (shares, trader, name) => `${name}@${trader?.team ?? '?'}:${shares}`);
  joined.to('out');
  const driver = new TopologyTestDriver(builder.build());
  return {
    traders: driver.createInputTopic<string, Trader | null>('traders'),
    orders: driver.createInputTopic<string, number>('orders'),
    output: driver.createOutputTopic<string, string>('out'),
  };
}

describe('stream–table joins', () => {
  it('join looks up the table value as it is when the stream record arrives; no value, no output', () => {
    const { traders, orders, output } = joinApp('join');
    orders.pipeInput('alice', 1); // no trader yet: dropped
    traders.pipeInput('alice', { team: 'BONOBO' });
    orders.pipeInput('alice', 2);
    traders.pipeInput('alice', { team: 'GIBBON' }); // a table update alone emits nothing
    orders.pipeInput('alice', 3);
    traders.pipeInput('alice', null); // tombstone: gone again
    orders.pipeInput('alice', 4);
    expect(output.readValuesToList()).toEqual(['alice@BONOBO:2', 'alice@GIBBON:3']);
  });

  it('leftJoin keeps every stream record, with undefined for a missing table value', () => {
    const { traders, orders, output } = joinApp('leftJoin');
    orders.pipeInput('alice', 1);
    traders.pipeInput('alice', { team: 'BONOBO' });
    orders.pipeInput('alice', 2);
    orders.pipeInput('bob', 3);
    expect(output.readKeyValuesToList()).toEqual([
      KeyValue.pair('alice', 'alice@?:1'),
      KeyValue.pair('alice', 'alice@BONOBO:2'),
      KeyValue.pair('bob', 'bob@?:3'),
    ]);
  });

  it('a stream record with a null key is dropped by join, and joined with no table value by leftJoin (Kafka 3.7, KIP-962)', () => {
    const inner = joinApp('join');
    inner.orders.pipeValue(1);
    const left = joinApp('leftJoin');
    left.orders.pipeValue(1);
    expect({ join: inner.output.readKeyValuesToList(), leftJoin: left.output.readKeyValuesToList() }).toEqual({
      join: [],
      leftJoin: [KeyValue.pair(null, 'null@?:1')],
    });
  });

  it('joins see through filter and mapValues of the table, and an aggregation table', () => {
    const builder = new StreamsBuilder();
    const bigTeams = builder
      .table<string, Trader>('traders')
      .filter((_k, t) => t.team !== 'HOUSE')
      .mapValues((t) => t.team.toLowerCase());
    const orderCounts = builder.stream<string, number>('history').groupByKey().count();
    const orders = builder.stream<string, number>('orders');
    orders.join(bigTeams, (shares, team) => `${team}:${shares}`).to('by-team');
    orders.leftJoin(orderCounts, (shares, count) => `${shares} after ${count ?? 0}`).to('with-count');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, Trader>('traders').pipeInput('alice', { team: 'BONOBO' });
    driver.createInputTopic<string, Trader>('traders').pipeInput('house-1', { team: 'HOUSE' });
    const history = driver.createInputTopic<string, number>('history');
    history.pipeInput('alice', 1);
    history.pipeInput('alice', 1);
    const orderInput = driver.createInputTopic<string, number>('orders');
    orderInput.pipeInput('alice', 5);
    orderInput.pipeInput('house-1', 6);
    expect(driver.createOutputTopic('by-team').readValuesToList()).toEqual(['bonobo:5']);
    expect(driver.createOutputTopic('with-count').readValuesToList()).toEqual(['5 after 2', '6 after 0']);
  });

  it('a stream joins only a table of its own builder', () => {
    const table = new StreamsBuilder().table('t');
    expect(() => new StreamsBuilder().stream('s').join(table, () => 1)).toThrow(/same StreamsBuilder/);
  });
});
