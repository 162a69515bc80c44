/**
 * decodeMessage.traderKey for keys that come back again and again: a room's
 * few dozen traders key every order and every answer, and each was decoded
 * anew (UTF-8, JSON.parse, the schema) by the intake and again by the read
 * models. A key's bytes decode the same every time, so a valid key's trader
 * is remembered by its exact bytes; an invalid key is decoded every time (its
 * error is made afresh, as before).
 */
import { decodeMessage, type DecodeResult, type RawMessage, type TraderKey } from '@banana-market/protocol';

/** Keys longer than this are decoded every time (a valid compact key is under 120 bytes; pretty ones a little more). */
const MAX_CACHED_KEY_BYTES = 512;
/** Far more keys than a game has: a flood of made-up keys empties the cache rather than growing it. */
const MAX_CACHED_KEYS = 10_000;

/** The key's bytes as latin1 (one character per byte: the exact bytes) → the trader they name. */
const traders = new Map<string, TraderKey>();

export function decodeTraderKey(raw: RawMessage): DecodeResult<TraderKey> {
  if (!Buffer.isBuffer(raw) || raw.byteLength > MAX_CACHED_KEY_BYTES) return decodeMessage.traderKey(raw);
  const bytes = raw.toString('latin1');
  const known = traders.get(bytes);
  // A copy per call, as decoding made a fresh object: no caller shares (or could change) another's.
  if (known !== undefined) return { ok: true, value: { team: known.team, name: known.name } };
  const decoded = decodeMessage.traderKey(raw);
  if (decoded.ok) {
    if (traders.size >= MAX_CACHED_KEYS) traders.clear();
    traders.set(bytes, { team: decoded.value.team, name: decoded.value.name });
  }
  return decoded;
}
