/**
 * Consumes the three action topics and feeds the engine. Whatever arrives
 * there — from the server's own HTTP/WebSocket gateways, a house bot or any
 * Kafka client — goes through this one path. What cannot be parsed lands on
 * the dead-letter topic, and is answered on txn-rejections: under the
 * order's key bytes when the key names a trader, else under the raw key bytes
 * with the key shape expected. An order's answers keep its key bytes.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ACTION_TOPICS, PROTOCOL_LIMITS, TRADER_KEY_SHAPE } from '@banana-market/protocol';
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
      game,
    );
  }

  handle(message: BusMessage): void {
    this.executeActionMessage(message);
  }

  executeActionMessage(message: BusMessage): void {
    const decoded = decodeActionMessage(message.topic, message.key, message.value);
    if (decoded.ok) {
      this.game.executeAction(decoded.trader, decoded.action, message.key);
      return;
    }
    this.deadLetters.record(message, decoded.reason);
    if (decoded.trader !== undefined) {
      this.game.rejectAction(decoded.trader, decoded.txnType, decoded.txnId, decoded.reason, { keyBytes: message.key, field: decoded.field });
      return;
    }
    this.logger.warn(`unreadable key on ${message.topic}/${message.partition}@${message.offset}: ${decoded.reason}`);
    // A key too large to parse is too large to answer under (the dead letter keeps its start).
    if ((message.key?.byteLength ?? 0) > PROTOCOL_LIMITS.maxMessageBytes) return;
    this.game.rejectUnkeyed(message.key, {
      txnId: decoded.txnId,
      type: decoded.txnType,
      status: 'REJECTED',
      reason: `${decoded.reason}; the key of an order is the trader as JSON, ${TRADER_KEY_SHAPE}`,
      field: decoded.field,
    });
  }
}
