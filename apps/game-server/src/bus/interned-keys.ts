/**
 * The key bytes of the embedded bus's messages, one Buffer per key text: a
 * room's few dozen traders key nearly every message (their orders, results,
 * states, accounts), and the bus keeps each message it was handed — a Buffer
 * per message and key was most of what every order left for the garbage
 * collector to copy and keep. Messages of a key share its Buffer, which no
 * reader changes (a message's bytes are read-only, as on Kafka).
 */
import { toBuffer } from './message-bus.js';

/** Far more keys than a game's traders and stores have at once: beyond it the table starts over rather than grow. */
const MAX_KEYS = 4_096;
/** Longer keys are not kept (a flood of large made-up keys must not hold memory). */
const MAX_KEY_LENGTH = 256;

export class InternedKeys {
  private readonly keys = new Map<string, Buffer>();

  /** The bytes of `key`: the shared Buffer of a (short) text key, else what toBuffer makes. */
  bytes(key: string | Uint8Array | null): Buffer | null {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return toBuffer(key);
    let bytes = this.keys.get(key);
    if (bytes === undefined) {
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      bytes = Buffer.from(key, 'utf8');
      this.keys.set(key, bytes);
    }
    return bytes;
  }
}
