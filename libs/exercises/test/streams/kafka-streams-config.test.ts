/** KafkaStreams refuses settings that could only fail later, naming the setting (no broker needed: the constructor connects nothing). */
import { describe, expect, it } from 'vitest';
import { KafkaStreams, StreamsBuilder, type KafkaStreamsConfig } from '../../src/index.js';

const topology = () => {
  const builder = new StreamsBuilder();
  builder.stream<string, number>('input').to('output');
  return builder.build();
};
const config = (extra: Partial<KafkaStreamsConfig>): KafkaStreamsConfig => ({ applicationId: 'config-check', brokers: ['127.0.0.1:9'], ...extra });

describe('KafkaStreams settings', () => {
  it('refuses an unknown processing guarantee, naming the ones it knows', () => {
    expect(() => new KafkaStreams(topology(), config({ processingGuarantee: 'exactly_once' as never }))).toThrow(
      'processingGuarantee must be one of at_least_once, exactly_once_v2, got "exactly_once"',
    );
  });

  it('refuses a commit interval the broker would abort every transaction within, under exactly-once only', () => {
    expect(() => new KafkaStreams(topology(), config({ processingGuarantee: 'exactly_once_v2', commitIntervalMs: 30_000 }))).toThrow(
      'commitIntervalMs must be below the transaction timeout (10000 ms) under exactly_once_v2, got 30000',
    );
    expect(() => new KafkaStreams(topology(), config({ processingGuarantee: 'exactly_once_v2', commitIntervalMs: 9_999 }))).not.toThrow();
    expect(() => new KafkaStreams(topology(), config({ commitIntervalMs: 30_000 }))).not.toThrow();
    expect(() => new KafkaStreams(topology(), config({ commitIntervalMs: Number.NaN }))).toThrow(
      'commitIntervalMs must be a number of ms, 0 or more, got NaN',
    );
  });

  it('refuses a session timeout below the broker’s minimum, or not a number', () => {
    for (const sessionTimeoutMs of [0, 5_999, Number.NaN]) {
      expect(() => new KafkaStreams(topology(), config({ sessionTimeoutMs }))).toThrow(`sessionTimeoutMs must be a number of ms, 6000 or more`);
    }
    expect(() => new KafkaStreams(topology(), config({ sessionTimeoutMs: 6_000 }))).not.toThrow();
  });
});
