/**
 * Kafka Streams' record cache for a changelog: between two commits only a
 * key's latest value matters (the topic is compacted, a restore keeps the
 * latest per key), so a task's state store keeps the entries it is handed per
 * key and encodes only the latest of each when its transaction is written. A
 * busy trader's account is rewritten by every order; with 200 orders in one
 * transaction most of those records were stringified, written and retained
 * for nothing.
 */
export class RecordCache<K, V> {
  /** Key (as text) → the key as given and its latest value; a Map keeps a key where it was first set. */
  private readonly latest = new Map<string, { readonly key: K; value: V }>();

  get size(): number {
    return this.latest.size;
  }

  /** `value` replaces whatever `key` (`id`: its text) held since the last take. */
  set(id: string, key: K, value: V): void {
    const held = this.latest.get(id);
    if (held === undefined) this.latest.set(id, { key, value });
    else held.value = value;
  }

  /** Every key's latest value, and the cache starts over. */
  take(): { readonly key: K; readonly value: V }[] {
    const entries = [...this.latest.values()];
    this.latest.clear();
    return entries;
  }
}
