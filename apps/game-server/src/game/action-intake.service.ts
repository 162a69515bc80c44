/**
 * Consumes the three action topics and feeds the engine. Whatever arrives
 * there — from the server's own HTTP/WebSocket gateways, a house bot or any
 * Kafka client — goes through this one path. What cannot be parsed lands on
 * the dead-letter topic, and the trader gets a REJECTED result when the key
 * tells who they are.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ACTION_TOPICS } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus } from '../bus/message-bus.js';
import { decodeActionMessage } from './action-decoder.js';
import { DeadLetterService } from './dead-letter.service.js';
import { GameService } from './game.service.js';
import { TopicIntake } from './topic-intake.js';

export const ACTION_CONSUMER_GROUP = 'banana-market-actions';

@Injectable()
export class ActionIntakeService extends TopicIntake {
  private readonly logger = new Logger('ActionIntake');

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    private readonly game: GameService,
    private readonly deadLetters: DeadLetterService,
  ) {
    super(
      bus,
      ACTION_CONSUMER_GROUP,
      ACTION_TOPICS.map((t) => t.name),
    );
  }

  handle(message: BusMessage): void {
    this.executeActionMessage(message);
  }

  executeActionMessage(message: BusMessage): void {
    const decoded = decodeActionMessage(message.topic, message.key, message.value);
    if (decoded.ok) {
      this.game.executeAction(decoded.trader, decoded.action);
      return;
    }
    this.deadLetters.record(message, decoded.reason);
    if (decoded.trader !== undefined) {
      this.game.rejectAction(decoded.trader, decoded.txnType, decoded.txnId, decoded.reason);
    } else {
      this.logger.warn(`unreadable key on ${message.topic}/${message.partition}@${message.offset}: ${decoded.reason}`);
    }
  }
}
