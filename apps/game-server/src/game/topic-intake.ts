/**
 * A service that feeds the game from co-partitioned topics as a member of a
 * task group (Kafka Streams' tasks): the bus assigns it tasks — partition p of
 * every topic — and hands each task's messages over only after the task's
 * state is restored (assigned), and drops the state of a task another member
 * took (revoked). It subscribes once the game has started up (restored), and
 * a message that arrives before the game's clock runs waits for it.
 */
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { BusMessage, MessageBus, Subscription, TaskContext } from '../bus/message-bus.js';

export interface GameReadiness {
  readonly restored: Promise<void>;
  readonly started: boolean;
  whenStarted(): Promise<void>;
}

/** The topics a group's tasks write: all of them, and the changelogs they restore from. */
export interface TaskTopics {
  readonly writes: readonly string[];
  readonly restoreFrom: readonly string[];
}

export abstract class TaskIntake implements OnModuleInit, OnApplicationShutdown {
  private subscription?: Subscription;

  protected constructor(
    protected readonly bus: MessageBus,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly written: TaskTopics,
    private readonly gameReady: GameReadiness,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.gameReady.restored;
    this.subscription = await this.bus.subscribeTasks({
      groupId: this.groupId,
      topics: [...this.topics],
      onAssigned: (tasks) => this.assigned(tasks),
      onRevoked: (partitions) => this.revoked(partitions),
      restoreTopics: this.written.restoreFrom,
      outputTopics: this.written.writes,
      // Only a message that arrives before the clock runs waits (a running game costs no await on this hot path).
      onMessage: (message, task) => {
        if (this.gameReady.started) return this.handle(message, task);
        return this.gameReady.whenStarted().then(() => this.handle(message, task));
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /** Restores the state of tasks this server was given, before any of their messages. */
  protected abstract assigned(tasks: readonly TaskContext[]): Promise<void>;

  /** Drops the state of tasks another server owns now (or that this one stopped). */
  protected abstract revoked(partitions: readonly number[]): void;

  /** One message of a task, in partition order. */
  abstract handle(message: BusMessage, task: TaskContext): void;
}
