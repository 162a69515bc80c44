/**
 * A service that feeds the game from topics in its own consumer group. It
 * subscribes only once every module is initialised — the game must have
 * restored its traders before anything applies — and closes its subscription
 * when the server stops.
 */
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { BusMessage, MessageBus, Subscription } from '../bus/message-bus.js';

export abstract class TopicIntake implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  protected constructor(
    protected readonly bus: MessageBus,
    private readonly groupId: string,
    private readonly topics: readonly string[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [...this.topics],
      onMessage: (message) => this.handle(message),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** One message, in partition order. */
  abstract handle(message: BusMessage): void;
}
