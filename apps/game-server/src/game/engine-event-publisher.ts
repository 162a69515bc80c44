/**
 * Turns engine events into protocol messages on their topics. Publishing is
 * chained so that events reach the bus in the order the engine produced them,
 * even though the bus is asynchronous.
 */
import { Logger } from '@nestjs/common';
import { encode, SINGLE_STREAM_KEY, TOPICS } from '@banana-market/protocol';
import type { EngineEvent } from '@banana-market/engine';
import type { MessageBus, OutgoingMessage } from '../bus/message-bus.js';

const singleStreamKey = encode.singleStreamKey(SINGLE_STREAM_KEY);

export function toTopicMessage(event: EngineEvent): { topic: string; message: OutgoingMessage } {
  switch (event.kind) {
    case 'price':
      return { topic: TOPICS.sharePrice.name, message: { key: singleStreamKey, value: encode.sharePrice(event.price) } };
    case 'txn-result':
      return {
        topic: TOPICS.txnResults.name,
        message: { key: encode.traderKey(event.trader), value: encode.txnResult(event.result) },
      };
    case 'trader-state':
      return {
        topic: TOPICS.traderStates.name,
        message: { key: encode.traderKey(event.trader), value: encode.traderState(event.state) },
      };
    case 'game-event':
      return { topic: TOPICS.gameEvents.name, message: { key: singleStreamKey, value: encode.gameEvent(event.event) } };
  }
}

export class EngineEventPublisher {
  private readonly logger = new Logger('EngineEventPublisher');
  private readonly outstanding = new Set<Promise<void>>();

  constructor(private readonly bus: MessageBus) {}

  /**
   * Hands the events to the bus right away, in the order the engine produced
   * them (the bus keeps the order of successive calls). Not waiting for
   * delivery here is what lets a consumed action and its results commit
   * together on Kafka.
   */
  publish(events: readonly EngineEvent[]): Promise<void> {
    const batches = new Map<string, OutgoingMessage[]>();
    for (const event of events) {
      const { topic, message } = toTopicMessage(event);
      const batch = batches.get(topic) ?? [];
      batches.set(topic, batch);
      batch.push(message);
    }
    const deliveries = [...batches].map(([topic, messages]) => this.track(topic, messages));
    return Promise.all(deliveries).then(() => undefined);
  }

  /** Resolves when everything handed over so far is on the bus. */
  async flushed(): Promise<void> {
    await Promise.all([...this.outstanding]);
  }

  private track(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const delivery = this.bus.publish(topic, messages).catch((err: unknown) => {
      this.logger.error(`could not publish ${messages.length} message(s) to ${topic}: ${String(err)}`);
    });
    this.outstanding.add(delivery);
    void delivery.finally(() => this.outstanding.delete(delivery));
    return delivery;
  }
}
