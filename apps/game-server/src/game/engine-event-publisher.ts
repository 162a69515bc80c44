/**
 * Turns engine events into protocol messages on their topics. Publishing is
 * chained so that events reach the bus in the order the engine produced them,
 * even though the bus is asynchronous.
 */
import { Logger } from '@nestjs/common';
import { encode, SINGLE_STREAM_KEY, TOPICS } from '@banana-market/sdk';
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
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly bus: MessageBus) {}

  publish(events: readonly EngineEvent[]): Promise<void> {
    if (events.length === 0) return this.chain;
    const batches = new Map<string, OutgoingMessage[]>();
    for (const event of events) {
      const { topic, message } = toTopicMessage(event);
      let batch = batches.get(topic);
      if (batch === undefined) batches.set(topic, (batch = []));
      batch.push(message);
    }
    this.chain = this.chain.then(async () => {
      for (const [topic, messages] of batches) {
        try {
          await this.bus.publish(topic, messages);
        } catch (err) {
          this.logger.error(`could not publish ${messages.length} message(s) to ${topic}: ${String(err)}`);
        }
      }
    });
    return this.chain;
  }

  /** Resolves when everything handed over so far is on the bus. */
  flushed(): Promise<void> {
    return this.chain;
  }
}
