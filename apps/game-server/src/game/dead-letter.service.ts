/**
 * Keeps every message that could not be parsed, with its raw bytes, where it
 * came from and why, so a coach can show a team what their bot really sent.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { encode, PROTOCOL_LIMITS, SINGLE_STREAM_KEY, TOPICS } from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import { MESSAGE_BUS, type BusMessage, type MessageBus } from '../bus/message-bus.js';
import { GAME_CLOCK } from './tokens.js';

@Injectable()
export class DeadLetterService {
  private readonly logger = new Logger('DeadLetters');
  private count = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  get recorded(): number {
    return this.count;
  }

  /**
   * Hands the dead letter to the bus without waiting for delivery, so that it
   * commits together with the offset of the message it replaces.
   */
  record(message: BusMessage, reason: string): void {
    this.count++;
    this.logger.warn(`${message.topic}/${message.partition}@${message.offset} → ${TOPICS.deadLetters.name}: ${reason}`);
    const delivery = this.bus.publish(TOPICS.deadLetters.name, [
      {
        key: encode.singleStreamKey(SINGLE_STREAM_KEY),
        value: encode.deadLetter({
          time: new Date(this.clock.now()).toISOString(),
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          reason,
          key: keptBytes(message.key),
          value: keptBytes(message.value),
          keyBytes: message.key?.byteLength ?? 0,
          valueBytes: message.value?.byteLength ?? 0,
          truncated: [message.key, message.value].some((b) => (b?.byteLength ?? 0) > PROTOCOL_LIMITS.maxDeadLetterRawBytes),
        }),
      },
    ]);
    delivery.catch((err: unknown) => this.logger.error(`could not publish a dead letter: ${String(err)}`));
  }
}

function keptBytes(raw: Buffer | null): string | null {
  return raw === null ? null : raw.subarray(0, PROTOCOL_LIMITS.maxDeadLetterRawBytes).toString('base64');
}
