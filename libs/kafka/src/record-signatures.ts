/**
 * The two HMAC-SHA256 signatures Kafka records carry in this game (header
 * names in the protocol's kafka-access.ts): a player's order signed with its
 * trader's token, and every record the server writes signed with the game's
 * server secret. Node's crypto; compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type Bytes = Buffer | Uint8Array | string;

const asBuffer = (bytes: Bytes): Buffer =>
  typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `banana-signature`: lowercase hex of HMAC-SHA256 keyed by the trader's token over the record's value bytes. */
export function orderSignature(token: string, value: Bytes): string {
  return createHmac('sha256', token).update(asBuffer(value)).digest('hex');
}

/** Whether `signature` (a header's bytes or text) is the order's signature under `token`. */
export function isOrderSignature(token: string, value: Bytes, signature: Bytes | undefined): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(orderSignature(token, value), 'utf8');
  const given = asBuffer(signature);
  return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
}

/**
 * How many of its latest signatures a server remembers with the bytes it signed. Its read models read its
 * own records back (states, answers) within a second or so; at thousands of records a second this keeps
 * several seconds of them.
 */
export const REMEMBERED_SIGNATURES = 16_384;

interface SignedRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/**
 * The server's signature of its own records: over the topic, the key and the
 * value (lengths framed, so no two records sign alike), so a record copied to
 * another topic or another key is not believed either.
 *
 * It remembers what it signed last (a copy of the bytes, by signature): a
 * record it reads back with one of those signatures and the same topic, key
 * and value is verified by comparing bytes, without computing the HMAC again.
 * The server reads back most of what it writes, and an HMAC per record read
 * and written was a seventh of its CPU under load.
 */
export class ServerRecordSignature {
  /** Signature (latin1) → what it was computed over; oldest first. */
  private readonly recent = new Map<string, SignedRecord>();

  constructor(private readonly key: Buffer) {}

  sign(topic: string, key: Bytes | null, value: Bytes | null): Buffer {
    const keyBytes = key === null ? null : asBuffer(key);
    const valueBytes = value === null ? null : asBuffer(value);
    const signature = this.compute(topic, keyBytes, valueBytes);
    this.remember(signature.toString('latin1'), { topic, key: copyOf(keyBytes), value: copyOf(valueBytes) });
    return signature;
  }

  verify(topic: string, key: Bytes | null, value: Bytes | null, signature: Bytes | undefined): boolean {
    if (signature === undefined) return false;
    const given = asBuffer(signature);
    if (given.byteLength !== 32) return false;
    const keyBytes = key === null ? null : asBuffer(key);
    const valueBytes = value === null ? null : asBuffer(value);
    const signed = this.recent.get(given.toString('latin1'));
    if (signed !== undefined && signed.topic === topic && sameBytes(signed.key, keyBytes) && sameBytes(signed.value, valueBytes)) return true;
    return timingSafeEqual(given, this.compute(topic, keyBytes, valueBytes));
  }

  /** How many signatures it remembers now (at most REMEMBERED_SIGNATURES). */
  get remembered(): number {
    return this.recent.size;
  }

  private compute(topic: string, key: Buffer | null, value: Buffer | null): Buffer {
    const hmac = createHmac('sha256', this.key).update(topic).update(ZERO);
    for (const bytes of [key, value]) {
      hmac.update(lengthOf(bytes));
      if (bytes !== null) hmac.update(bytes);
    }
    return hmac.digest();
  }

  /** A Map keeps insertion order: the first entry is the oldest, dropped past the bound. */
  private remember(signature: string, record: SignedRecord): void {
    this.recent.delete(signature);
    this.recent.set(signature, record);
    if (this.recent.size > REMEMBERED_SIGNATURES) this.recent.delete(this.recent.keys().next().value as string);
  }
}

/** A copy: the caller may reuse its buffer, and what is remembered must stay what was signed. */
const copyOf = (bytes: Buffer | null): Buffer | null => (bytes === null ? null : Buffer.from(bytes));

const sameBytes = (a: Buffer | null, b: Buffer | null): boolean => (a === null || b === null ? a === b : a.equals(b));

const ZERO = Buffer.alloc(1);

function lengthOf(bytes: Buffer | null): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes === null ? -1 : bytes.byteLength);
  return length;
}
