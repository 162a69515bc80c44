/**
 * A service that feeds the game from topics in its own consumer group. It
 * subscribes once the game has restored its stored state, before the game's
 * clock starts (at application bootstrap, after a consumer group join that
 * takes seconds on Kafka), so that no tick passes while the room cannot act;
 * a message that arrives before the clock runs waits for it. It closes its
 * subscription when the server stops.
 */
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { BusMessage, MessageBus, Subscription } from '../bus/message-bus.js';

export abstract class TopicIntake implements OnModuleInit, OnApplicationShutdown {
  private subscription?: Subscription;

  protected constructor(
    protected readonly bus: MessageBus,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly gameReady: { readonly restored: Promise<void>; readonly started: boolean; whenStarted(): Promise<void> },
  ) {}

  async onModuleInit(): Promise<void> {
    await this.gameReady.restored;
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [...this.topics],
      // Only a message that arrives before the clock runs waits (a running game costs no await on this hot path).
      onMessage: (message) => {
        if (this.gameReady.started) return this.handle(message);
        return this.gameReady.whenStarted().then(() => this.handle(message));
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** One message, in partition order. */
  abstract handle(message: BusMessage): void;
}
