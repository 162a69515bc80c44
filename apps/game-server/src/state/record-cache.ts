/**
 * Kafka Streams' record cache for a changelog: between two commits only a
 * key's latest value matters (the topic is compacted, a restore keeps the
 * latest per key), so a task keeps the values it is handed per key and
 * encodes only the latest of each when its transaction is written
 * (TaskContext.publishAtCommit). A busy trader's account is rewritten by
 * every order; with 200 orders in one transaction most of those records were
 * stringified, signed, written and retained for nothing.
 */
import type { OutgoingMessage, TaskContext } from '../bus/message-bus.js';

export type PublishAtCommit = NonNullable<TaskContext['publishAtCommit']>;

export class RecordCache<K, V> {
  /** Key (as text) → the key as given and its latest value; a Map keeps a key where it was first set. */
  private readonly latest = new Map<string, { readonly key: K; value: V }>();
  /** What the sets of the transaction being built return (its one publishAtCommit). */
  private committing: Promise<void> | undefined;

  /** `toMessages`: the messages of the transaction's latest values, made when it is written. */
  constructor(
    private readonly publishAtCommit: PublishAtCommit,
    private readonly topic: string,
    private readonly toMessages: (entries: readonly { readonly key: K; readonly value: V }[]) => readonly OutgoingMessage[],
  ) {}

  /** `value` replaces whatever `key` (`id`: its text) held since the last commit; resolves once written in a committed transaction. */
  set(id: string, key: K, value: V): Promise<void> {
    const held = this.latest.get(id);
    if (held === undefined) this.latest.set(id, { key, value });
    else held.value = value;
    return this.committing ?? this.register();
  }

  /** The transaction's one deferred publication, registered by its first set. */
  private register(): Promise<void> {
    const committing = this.publishAtCommit(this.topic, () => {
      this.committing = undefined;
      return this.toMessages(this.take());
    });
    // Refused before it was taken (the task is lost, the bus stopped): the next set must not wait on it, nor the cache grow.
    committing.catch(() => {
      if (this.committing !== committing) return;
      this.committing = undefined;
      this.take();
    });
    this.committing = committing;
    return committing;
  }

  /** Every key's latest value, and the cache starts over. */
  private take(): { readonly key: K; readonly value: V }[] {
    const entries = [...this.latest.values()];
    this.latest.clear();
    return entries;
  }
}
