import { describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver, type Serde } from '../../src/index.js';

describe('serdes', () => {
  it('json, string and number round-trip, null stays null', () => {
    const json = Serdes.json<{ team: string; n: number[] }>();
    const value = { team: 'BONOBO', n: [1, 2] };
    expect(json.serialize(value)?.toString()).toBe('{"team":"BONOBO","n":[1,2]}');
    expect(json.deserialize(json.serialize(value))).toEqual(value);
    expect(Serdes.string().serialize('gnou')?.toString()).toBe('gnou');
    expect(Serdes.string().deserialize(Buffer.from('gnou'))).toBe('gnou');
    expect(Serdes.number().serialize(1.5)?.toString()).toBe('1.5');
    expect(Serdes.number().deserialize(Buffer.from('42'))).toBe(42);
    for (const serde of [Serdes.json(), Serdes.string(), Serdes.number()] as Serde<unknown>[]) {
      expect(serde.serialize(null)).toBeNull();
      expect(serde.deserialize(null)).toBeNull();
    }
  });

  it('records cross topics as bytes: a source reads with its serdes, a sink writes with its own', () => {
    const upper: Serde<string> = {
      serialize: (v) => Buffer.from(`<${v}>`),
      deserialize: (b) => (b === null ? (null as unknown as string) : b.toString().slice(1, -1)),
    };
    const builder = new StreamsBuilder();
    builder
      .stream('in', { keySerde: Serdes.string(), valueSerde: Serdes.number() })
      .mapValues((v) => `${v * 2}`)
      .to('out', { keySerde: Serdes.string(), valueSerde: upper });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', { keySerde: Serdes.string(), valueSerde: Serdes.number() }).pipeInput('k', 21);
    // Read as plain strings, the output shows the bytes the sink wrote.
    expect(driver.createOutputTopic('out', { keySerde: Serdes.string(), valueSerde: Serdes.string() }).readKeyValue()).toEqual({
      key: 'k',
      value: '<42>',
    });
  });

  it('values are what Kafka would carry: JSON drops what it cannot say', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, unknown>('in').to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, unknown>('in').pipeInput('k', { at: new Date(0), skip: undefined });
    expect(driver.createOutputTopic('out').readValue()).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('a windowed key is {"key":…,"window":{"start":…,"end":…}} on the wire', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, number>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic<string, number>('in').pipeInput('GNOU', 1, 12);
    const raw = driver.createOutputTopic('out', { keySerde: Serdes.string(), valueSerde: Serdes.string() }).readKeyValue();
    expect(raw).toEqual({ key: '{"key":"GNOU","window":{"start":10,"end":20}}', value: '1' });
  });
});
