/**
 * Repartitioning on the test driver: KStream.repartition(), and the repartition
 * topics Kafka Streams adds by itself between a key change and a stateful
 * operation — named as Kafka names them, fed back in by the driver right after
 * the record that caused them, never an output a test reads.
 */
import { describe, expect, it } from 'vitest';
import {
  JoinWindows,
  KeyValue,
  Repartitioned,
  Serdes,
  StreamsBuilder,
  TEST_DRIVER_APPLICATION_ID,
  TimeWindows,
  TopologyRuntime,
  TopologyTestDriver,
  type Serde,
  type Topology,
} from '../../src/index.js';

interface Order {
  readonly team: string;
  readonly shares: number;
}

const ID = /\d{10}/.source;

/** Orders keyed by trader, counted per team: selectKey, then groupByKey. */
function countsPerTeam(storeName?: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Order>('orders')
    .selectKey((_trader, order) => order.team)
    .groupByKey()
    .count(storeName)
    .toStream()
    .to('counts');
  return builder.build();
}

describe('KStream.repartition()', () => {
  it('writes the stream to <name>-repartition and reads it back: the same records, keys and timestamps come out', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, Order>('orders').repartition(Repartitioned.as<string, Order>('orders-by-trader').withNumberOfPartitions(3)).to('out');
    const topology = builder.build();
    expect({ repartitionTopics: topology.repartitionTopics, specs: topology.repartitionTopicSpecs }).toEqual({
      repartitionTopics: ['orders-by-trader-repartition'],
      specs: [{ name: 'orders-by-trader-repartition', partitions: 3 }],
    });
    // The repartition topic is neither an input nor an output of the app.
    expect({ sources: topology.sourceTopics, sinks: topology.sinkTopics }).toEqual({ sources: ['orders'], sinks: ['out'] });

    const driver = new TopologyTestDriver(topology);
    const orders = driver.createInputTopic<string, Order>('orders');
    orders.pipeInput('alice', { team: 'BONOBO', shares: 1 }, 1000);
    orders.pipeInput('bob', { team: 'GIBBON', shares: 2 }, 1500);
    expect(driver.createOutputTopic<string, Order>('out').readRecordsToList()).toEqual([
      { key: 'alice', value: { team: 'BONOBO', shares: 1 }, timestamp: 1000 },
      { key: 'bob', value: { team: 'GIBBON', shares: 2 }, timestamp: 1500 },
    ]);
    driver.close();
  });

  it('is named KSTREAM-REPARTITION-<n>-repartition without a name, and has no partition count of its own', () => {
    const builder = new StreamsBuilder();
    builder.stream('in').repartition().to('out');
    const topology = builder.build();
    expect(topology.repartitionTopics).toEqual([expect.stringMatching(new RegExp(`^KSTREAM-REPARTITION-${ID}-repartition$`))]);
    expect(topology.repartitionTopicSpecs).toEqual([{ name: topology.repartitionTopics[0] }]);
  });

  it('drops records with a null key before the topic, as Kafka does: no partition is theirs', () => {
    const builder = new StreamsBuilder();
    builder.stream<string | null, number>('in').repartition().to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string | null, number>('in');
    input.pipeInput(null, 1);
    input.pipeInput('a', 2);
    expect(driver.createOutputTopic<string, number>('out').readKeyValuesToList()).toEqual([{ key: 'a', value: 2 }]);
  });

  it('writes and reads the topic with the serdes of Repartitioned', () => {
    const written: string[] = [];
    const shouting: Serde<string> = {
      serialize: (value) => {
        written.push(value);
        return Buffer.from(value.toUpperCase(), 'utf8');
      },
      deserialize: (bytes) => (bytes === null ? (null as unknown as string) : bytes.toString('utf8')),
    };
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition(Repartitioned.with(Serdes.string(), shouting)).to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, string>('in').pipeInput('k', 'quiet');
    expect({ written, out: driver.createOutputTopic<string, string>('out').readValuesToList() }).toEqual({ written: ['quiet'], out: ['QUIET'] });
  });

  it('refuses a name that cannot name a topic, a partition count under 1, and a name used twice', () => {
    expect(() => Repartitioned.as('by team')).toThrow(/letters, digits.*got "by team"/);
    expect(() => Repartitioned.numberOfPartitions(0)).toThrow(/whole number of 1 or more, got 0/);
    const builder = new StreamsBuilder();
    const input = builder.stream('in');
    input.repartition(Repartitioned.as('twice'));
    expect(() => input.repartition(Repartitioned.as('twice'))).toThrow(/"twice-repartition" is already used/);
  });
});

describe('automatic repartitioning after a key change', () => {
  it('selectKey then groupByKey().count(): through <store>-repartition, so every record of a new key is counted together', () => {
    const topology = countsPerTeam('team-counts');
    expect(topology.repartitionTopics).toEqual(['team-counts-repartition']);
    const driver = new TopologyTestDriver(topology);
    const orders = driver.createInputTopic<string, Order>('orders');
    orders.pipeInput('alice', { team: 'BONOBO', shares: 1 }, 10);
    orders.pipeInput('bob', { team: 'BONOBO', shares: 1 }, 20);
    orders.pipeInput('carol', { team: 'GIBBON', shares: 1 }, 30);
    expect(driver.createOutputTopic<string, number>('counts').readRecordsToList()).toEqual([
      { key: 'BONOBO', value: 1, timestamp: 10 },
      { key: 'BONOBO', value: 2, timestamp: 20 },
      { key: 'GIBBON', value: 1, timestamp: 30 },
    ]);
  });

  it('names the topic after the generated store when the aggregation has no store name, as Kafka does', () => {
    const topology = countsPerTeam();
    const [store] = topology.storeNames;
    expect({ store, topics: topology.repartitionTopics }).toEqual({
      store: expect.stringMatching(new RegExp(`^KSTREAM-AGGREGATE-STATE-STORE-${ID}$`)),
      topics: [`${store}-repartition`],
    });
  });

  it('groupBy repartitions; groupByKey on the key the topic came with, or after filter and mapValues only, does not', () => {
    const grouped = new StreamsBuilder();
    grouped
      .stream<string, Order>('orders')
      .groupBy((_trader, order) => order.team)
      .count('per-team')
      .toStream()
      .to('counts');
    const kept = new StreamsBuilder();
    kept
      .stream<string, Order>('orders')
      .filter((_trader, order) => order.shares > 0)
      .mapValues((order) => order.shares)
      .groupByKey()
      .count('per-trader')
      .toStream()
      .to('counts');
    expect({ groupBy: grouped.build().repartitionTopics, groupByKey: kept.build().repartitionTopics }).toEqual({
      groupBy: ['per-team-repartition'],
      groupByKey: [],
    });
  });

  it('a key change still counts after mapValues, filter and a branch: the aggregation repartitions', () => {
    const builder = new StreamsBuilder();
    const { big } = builder
      .stream<string, Order>('orders')
      .map((trader, order) => KeyValue.pair(order.team, { trader, shares: order.shares }))
      .mapValues((order) => order.shares)
      .split()
      .branch((_team, shares) => shares >= 10, 'big')
      .noDefaultBranch();
    big.groupByKey().count('big-orders').toStream().to('counts');
    expect(builder.build().repartitionTopics).toEqual(['big-orders-repartition']);
  });

  it('windowed aggregations after a key change repartition too', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders')
      .selectKey((_trader, order) => order.team)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
      .count('per-team-minute');
    expect(builder.build().repartitionTopics).toEqual([expect.stringMatching(new RegExp(`^KSTREAM-REPARTITION-${ID}-repartition$`))]);
  });

  it('selectKey then join(table): through <key-select node>-repartition, so the order looks the table up under its new key', () => {
    const builder = new StreamsBuilder();
    const teams = builder.table<string, { desk: string }>('teams');
    builder
      .stream<string, Order>('orders')
      .selectKey((_trader, order) => order.team)
      .join(teams, (order, team) => `${order.shares}@${team.desk}`)
      .to('out');
    const topology = builder.build();
    expect(topology.repartitionTopics).toEqual([expect.stringMatching(new RegExp(`^KSTREAM-KEY-SELECT-${ID}-repartition$`))]);

    const driver = new TopologyTestDriver(topology);
    driver.createInputTopic<string, { desk: string }>('teams').pipeInput('BONOBO', { desk: 'north' }, 0);
    driver.createInputTopic<string, Order>('orders').pipeInput('alice', { team: 'BONOBO', shares: 3 }, 2000);
    expect(driver.createOutputTopic<string, string>('out').readRecordsToList()).toEqual([{ key: 'BONOBO', value: '3@north', timestamp: 2000 }]);
  });

  it('a stream–stream join repartitions the side whose key changed, and only that side', () => {
    const builder = new StreamsBuilder();
    const byTeam = builder.stream<string, Order>('orders').selectKey((_trader, order) => order.team);
    const news = builder.stream<string, string>('team-news');
    byTeam.join(news, (order, headline) => `${order.shares}:${headline}`, JoinWindows.ofTimeDifferenceWithNoGrace(1000)).to('out');
    const topology = builder.build();
    expect(topology.repartitionTopics).toEqual([expect.stringMatching(new RegExp(`^KSTREAM-KEY-SELECT-${ID}-repartition$`))]);

    const driver = new TopologyTestDriver(topology);
    driver.createInputTopic<string, Order>('orders').pipeInput('alice', { team: 'BONOBO', shares: 3 }, 100);
    driver.createInputTopic<string, string>('team-news').pipeInput('BONOBO', 'bananas up', 600);
    expect(driver.createOutputTopic<string, string>('out').readRecordsToList()).toEqual([{ key: 'BONOBO', value: '3:bananas up', timestamp: 600 }]);
  });
  it('a re-keyed stream joined twice, or with itself, goes through its one repartition topic, as in Kafka', () => {
    const builder = new StreamsBuilder();
    const desks = builder.table<string, string>('desks');
    const coaches = builder.table<string, string>('coaches');
    const byTeam = builder.stream<string, Order>('orders').selectKey((_trader, order) => order.team);
    byTeam.join(desks, (order, desk) => `${order.shares}@${desk}`).to('at-desk');
    byTeam.join(coaches, (order, coach) => `${order.shares} for ${coach}`).to('for-coach');
    byTeam.join(byTeam, (a, b) => a.shares + b.shares, JoinWindows.ofTimeDifferenceWithNoGrace(1000)).to('pairs');
    const topology = builder.build();
    expect(topology.repartitionTopics).toEqual([expect.stringMatching(new RegExp(`^KSTREAM-KEY-SELECT-${ID}-repartition$`))]);

    const driver = new TopologyTestDriver(topology);
    driver.createInputTopic<string, string>('desks').pipeInput('BONOBO', 'north');
    driver.createInputTopic<string, string>('coaches').pipeInput('BONOBO', 'zoe');
    driver.createInputTopic<string, Order>('orders').pipeInput('alice', { team: 'BONOBO', shares: 3 }, 100);
    expect({
      atDesk: driver.createOutputTopic<string, string>('at-desk').readValuesToList(),
      forCoach: driver.createOutputTopic<string, string>('for-coach').readValuesToList(),
      pairs: driver.createOutputTopic<string, number>('pairs').readValuesToList(),
      // A self-join meets the record itself once: its first side buffers it before the second side's copy looks.
    }).toEqual({ atDesk: ['3@north'], forCoach: ['3 for zoe'], pairs: [6] });
  });
});

describe('repartition topics in the topology and the runtime', () => {
  it('describe() shows the sink to the topic ending one sub-topology and the source reading it starting the next', () => {
    const description = countsPerTeam('team-counts').describe();
    const [first, second] = description.split(/ {3}Sub-topology: \d\n/).slice(1);
    expect({
      subTopologies: description.match(/Sub-topology: \d/g),
      sinkInFirst: new RegExp(`KSTREAM-SINK-${ID} \\(topic: team-counts-repartition\\)`).test(first),
      sourceInSecond: new RegExp(`KSTREAM-SOURCE-${ID} \\(topics: \\[team-counts-repartition\\]\\)`).test(second),
      aggregateInSecond: /\(stores: \[team-counts\]\)/.test(second),
    }).toEqual({ subTopologies: ['Sub-topology: 0', 'Sub-topology: 1'], sinkInFirst: true, sourceInSecond: true, aggregateInSecond: true });
  });

  it('the runtime reads and writes <applicationId>-<name>: it lists it as internal and as a source, and emits records to it by that name', () => {
    const runtime = new TopologyRuntime(countsPerTeam('team-counts'), { applicationId: 'app-7' });
    expect({ internal: runtime.internalTopics, sources: runtime.sourceTopics }).toEqual({
      internal: ['app-7-team-counts-repartition'],
      sources: ['orders', 'app-7-team-counts-repartition'],
    });
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const [toTopic] = runtime.process('orders', json('alice'), json({ team: 'BONOBO', shares: 1 }), 42);
    expect({ ...toTopic, key: toTopic.key?.toString(), value: toTopic.value?.toString() }).toEqual({
      topic: 'app-7-team-counts-repartition',
      key: '"BONOBO"',
      value: '{"team":"BONOBO","shares":1}',
      timestamp: 42,
    });
    const [count] = runtime.process(toTopic.topic, toTopic.key, toTopic.value, toTopic.timestamp);
    expect({ topic: count.topic, key: count.key?.toString(), value: count.value?.toString(), timestamp: count.timestamp }).toEqual({
      topic: 'counts',
      key: '"BONOBO"',
      value: '1',
      timestamp: 42,
    });
  });

  it('a runtime without an applicationId refuses a topology with repartition topics, naming what it needs', () => {
    expect(() => new TopologyRuntime(countsPerTeam('team-counts'))).toThrow(
      'this topology writes to repartition topics (team-counts-repartition): RuntimeOptions.applicationId is needed to name them',
    );
  });

  it('the driver names it after its applicationId (Kafka’s dummy one by default) and will not read it as an output', () => {
    const driver = new TopologyTestDriver(countsPerTeam('team-counts'));
    expect(() => driver.createOutputTopic('team-counts-repartition')).toThrow(
      `"team-counts-repartition" is the repartition topic ${TEST_DRIVER_APPLICATION_ID}-team-counts-repartition`,
    );
    const named = new TopologyTestDriver(countsPerTeam('team-counts'), { applicationId: 'kata' });
    expect(() => named.createOutputTopic('kata-team-counts-repartition')).toThrow(/is the repartition topic kata-team-counts-repartition/);
  });

  it('the driver feeds repartitioned records back in first in, first out, right after the input record that caused them, before the next input', () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in')
      .peek((key) => seen.push(`in ${key}`))
      .flatMap((key, value) => [KeyValue.pair(`${key}1`, value), KeyValue.pair(`${key}2`, value)])
      .repartition(Repartitioned.as('first'))
      .peek((key) => seen.push(`first ${key}`))
      .selectKey((key) => key.toUpperCase())
      .repartition(Repartitioned.as('second'))
      .peek((key) => seen.push(`second ${key}`))
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, number>('in').pipeRecords([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(seen).toEqual(['in a', 'first a1', 'first a2', 'second A1', 'second A2', 'in b', 'first b1', 'first b2', 'second B1', 'second B2']);
  });
});
