/**
 * Task p of a task group on Kafka, as a member holds it: partition p of every
 * topic of the group, from being taken ('preparing': its state restores, its
 * messages wait) to 'ready' and, once another member owns it or the broker
 * went away, 'lost' — then nothing it queued commits, and its publish refuses.
 * What it publishes goes through the member's one transactional writer, under
 * the task's number (KafkaTaskGroup, ExactlyOnceWriter), at once or, with
 * publishAtCommit, when the writer's next transaction starts.
 */
import type { ExactlyOnceWriter, OwnedMessage } from '@banana-market/kafka/exactly-once';
import { TaskLostError, type OutgoingMessage, type TaskContext } from './message-bus.js';

export class KafkaTask implements TaskContext {
  state: 'preparing' | 'ready' | 'lost' = 'preparing';
  /** Whether onAssigned ran for it (only then does onRevoked follow). */
  announced = false;
  /** The group generation that assigned (or last kept) it: its offsets commit under it. */
  generation = -1;
  /** topic → the group's committed offset (next to read) when the task was taken: lower offsets were answered already. */
  readonly committed = new Map<string, bigint>();
  /** topic → the offset after the last one consumed (or skipped). */
  readonly position = new Map<string, bigint>();
  lostWith: Error | undefined;
  readonly ready: Promise<void>;
  markReady!: () => void;

  constructor(
    readonly groupId: string,
    readonly partition: number,
    private readonly writer: ExactlyOnceWriter,
    /** Bytes, and the server's signature header when records are authenticated. */
    private readonly outgoing: (topic: string, messages: readonly OutgoingMessage[]) => OwnedMessage[],
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.state === 'lost') return this.refused();
    return this.writer.write(this.partition, topic, this.outgoing(topic, messages));
  }

  /**
   * TaskContext.publishAtCommit: `take` runs when the member's next transaction starts, and its messages
   * are signed then. A property, not a method: a state store is handed it on its own.
   */
  readonly publishAtCommit = (topic: string, take: () => readonly OutgoingMessage[]): Promise<void> => {
    if (this.state === 'lost') return this.refused();
    return this.writer.writeAtCommit(this.partition, topic, () => this.outgoing(topic, take()));
  };

  /** What a lost task's publish returns: nothing of it commits. */
  private refused(): Promise<never> {
    return Promise.reject(this.lostWith ?? new TaskLostError(`task ${this.partition} of ${this.groupId} is not this server's (any more)`));
  }

  /** Marks it lost now: nothing it queued commits. */
  lose(error: Error): void {
    if (this.state === 'lost') return;
    this.state = 'lost';
    this.lostWith = error;
    this.writer.drop(this.partition, error);
    this.markReady();
  }
}
