/**
 * Consumes gibber-gibbs, whatever wrote them (the HTTP endpoint, a tweet
 * source, any Kafka client), and lets the engine turn them into hype.
 */
import { Inject, Injectable } from '@nestjs/common';
import { decodeMessage, TOPICS } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus } from '../bus/message-bus.js';
import { RecentIds } from '../gibbs/recent-ids.js';
import { DeadLetterService } from './dead-letter.service.js';
import { GameService } from './game.service.js';
import { TopicIntake } from './topic-intake.js';

export const GIBB_CONSUMER_GROUP = 'banana-market-gibbs';

@Injectable()
export class GibbIntakeService extends TopicIntake {
  /** Any Kafka client may write gibbs; the same id twice moves the market once. */
  private readonly seen = new RecentIds();

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    private readonly game: GameService,
    private readonly deadLetters: DeadLetterService,
  ) {
    super(bus, GIBB_CONSUMER_GROUP, [TOPICS.gibberGibbs.name], game);
  }

  handle(message: BusMessage): void {
    this.applyGibbMessage(message);
  }

  applyGibbMessage(message: BusMessage): void {
    const gibb = decodeMessage.gibb(message.value);
    if (!gibb.ok) {
      this.deadLetters.record(message, gibb.error.message);
      return;
    }
    if (!this.seen.firstSighting(gibb.value.id)) return;
    this.game.applyGibb(gibb.value);
  }
}
