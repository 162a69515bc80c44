import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver } from '../../src/index.js';

describe('a first topology', () => {
  it('filters and counts per key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, number>('in')
      .filter((_key, value) => value > 0)
      .groupByKey()
      .count('counts')
      .toStream()
      .to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic<string, number>('in');
    input.pipeInput('a', 1, 10);
    input.pipeInput('a', -1, 11);
    input.pipeInput('b', 2, 12);
    input.pipeInput('a', 3, 13);
    expect(driver.createOutputTopic<string, number>('out').readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 1 },
      { key: 'a', value: 2 },
    ]);
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
  });
});
