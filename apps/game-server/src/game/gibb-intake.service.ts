/**
 * Consumes gibber-gibbs, whatever wrote them (the HTTP endpoint, a tweet
 * source, any Kafka client), and lets the engine turn them into hype.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { decodeMessage, TOPICS } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type Subscription } from '../bus/message-bus.js';
import { RecentIds } from '../gibbs/recent-ids.js';
import { DeadLetterService } from './dead-letter.service.js';
import { GameService } from './game.service.js';

export const GIBB_CONSUMER_GROUP = 'banana-market-gibbs';

@Injectable()
export class GibbIntakeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  /** Any Kafka client may write gibbs; the same id twice moves the market once. */
  private readonly seen = new RecentIds();

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly game: GameService,
    private readonly deadLetters: DeadLetterService,
  ) {}

  /** Only once every module is initialised: the game must have restored its traders before actions apply. */
  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: GIBB_CONSUMER_GROUP,
      topics: [TOPICS.gibberGibbs.name],
      onMessage: (message) => this.applyGibbMessage(message),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
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
