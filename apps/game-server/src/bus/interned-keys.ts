/**
 * The key bytes of the embedded bus's messages, one Buffer per key text: a
 * room's few dozen traders key nearly every message (their orders, results,
 * states, accounts), and the bus keeps each message it was handed — a Buffer
 * per message and key was most of what every order left for the garbage
 * collector to copy and keep. Messages of a key share its Buffer, which no
 * reader changes (a message's bytes are read-only, as on Kafka). The key's
 * partition (murmur2 of its bytes) is remembered with it.
 */
import { partitionForKey } from './key-partitioner.js';

/** Far more keys than a game's traders and stores have at once: beyond it the table starts over rather than grow. */
const MAX_KEYS = 4_096;
/** Longer keys are not kept (a flood of large made-up keys must not hold memory). */
const MAX_KEY_LENGTH = 256;

export interface InternedKey {
  readonly bytes: Buffer;
  /** Partition count → the key's partition among that many (murmur2 of a key does not depend on the topic). */
  readonly partitions: number[];
}

export class InternedKeys {
  private readonly keys = new Map<string, InternedKey>();

  /** The shared bytes of a key text, or undefined for a text too long to keep. */
  of(key: string): InternedKey | undefined {
    if (key.length > MAX_KEY_LENGTH) return undefined;
    let entry = this.keys.get(key);
    if (entry === undefined) {
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      const bytes = Buffer.from(key, 'utf8');
      entry = { bytes, partitions: [] };
      this.keys.set(key, entry);
    }
    return entry;
  }

  /** The key's partition in `topic`, of `count` partitions, as partitionForKey places it. */
  partition(key: InternedKey, topic: string, count: number): number {
    let partition = key.partitions[count];
    if (partition === undefined) {
      partition = partitionForKey(topic, key.bytes, count);
      key.partitions[count] = partition;
    }
    return partition;
  }
}
