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
 * The server's signature of its own records: over the topic, the key and the
 * value (lengths framed, so no two records sign alike), so a record copied to
 * another topic or another key is not believed either.
 */
export class ServerRecordSignature {
  constructor(private readonly key: Buffer) {}

  sign(topic: string, key: Bytes | null, value: Bytes | null): Buffer {
    const hmac = createHmac('sha256', this.key).update(topic).update(ZERO);
    for (const part of [key, value]) {
      const bytes = part === null ? null : asBuffer(part);
      hmac.update(lengthOf(bytes));
      if (bytes !== null) hmac.update(bytes);
    }
    return hmac.digest();
  }

  verify(topic: string, key: Bytes | null, value: Bytes | null, signature: Bytes | undefined): boolean {
    if (signature === undefined) return false;
    const given = asBuffer(signature);
    return given.byteLength === 32 && timingSafeEqual(given, this.sign(topic, key, value));
  }
}

const ZERO = Buffer.alloc(1);

function lengthOf(bytes: Buffer | null): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes === null ? -1 : bytes.byteLength);
  return length;
}
