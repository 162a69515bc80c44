/** A Kafka subscription's options are checked when it is made, before any consumer (and so once, not at each restart). */
import { describe, expect, it } from 'vitest';
import { KafkaSubscription, type SubscriptionHost } from '../../src/bus/kafka-subscription.js';

// Never used: the checks come before anything reaches the host.
const host = {} as SubscriptionHost;
const options = { groupId: 'g', topics: ['t'], onMessage: () => undefined };

describe('KafkaSubscription', () => {
  it('refuses a bulk read delay below 1 ms (a consumer fetching in a tight loop), naming the option', () => {
    for (const bulkReadDelayMs of [0, 0.5, -1, Number.NaN]) {
      expect(() => new KafkaSubscription(host, { ...options, bulkReadDelayMs })).toThrow(
        `bulkReadDelayMs must be at least 1 ms, got ${bulkReadDelayMs}`,
      );
    }
    expect(() => new KafkaSubscription(host, { ...options, bulkReadDelayMs: 1 })).not.toThrow();
    expect(() => new KafkaSubscription(host, options)).not.toThrow();
  });
});
