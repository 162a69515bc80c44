/**
 * Decoding and encoding of protocol messages. Decoding never throws: it
 * returns the typed value or an error that names the field and what was
 * expected, which is what a participant needs to fix their bot.
 */
import type { z } from 'zod';
import { ACTIONS, type AnyActionSpec, type TraderAction } from './actions.js';
import { orderedJson as ordered } from './field-order.js';
import { PROTOCOL_LIMITS } from './limits.js';
import * as s from './schemas.js';

export interface FieldProblem {
  /** Dotted path of the offending field, or "(value)" for the whole message. */
  readonly field: string;
  readonly expected: string;
}

export class ProtocolError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.expected}`).join('; '));
    this.name = 'ProtocolError';
  }
  get field(): string {
    return this.problems[0]?.field ?? '(value)';
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export type RawMessage = string | Uint8Array | null | undefined;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function fail(field: string, expected: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: new ProtocolError([{ field, expected }]) };
}

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input;
}

/**
 * Validates an already-parsed value (an HTTP body, a WebSocket payload).
 * `what` names the whole value in errors; with `prefixFields`, field paths
 * are prefixed by it too (`key.team` rather than `team`).
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown, what = '(value)', prefixFields = false): DecodeResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = path === '' ? what : prefixFields ? `${what}.${path}` : path;
    // zod reports a missing field as "expected X, received undefined".
    const missing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    return { field, expected: missing ? `is required (${issue.message})` : issue.message };
  });
  if (problems.length === 0) problems.push({ field: what, expected: `a valid value, got ${describeReceived(input)}` });
  return { ok: false, error: new ProtocolError(problems) };
}

/** Parses JSON text or UTF-8 bytes, then validates it. */
export function decode<T>(
  schema: z.ZodType<T>,
  raw: RawMessage,
  what = '(value)',
  prefixFields = false,
  maxBytes: number = PROTOCOL_LIMITS.maxMessageBytes,
): DecodeResult<T> {
  if (raw === null || raw === undefined) return fail(what, 'a JSON message, got nothing');
  const size = typeof raw === 'string' ? utf8Encoder.encode(raw).byteLength : raw.byteLength;
  if (size === 0) return fail(what, 'a JSON message, got an empty one');
  if (size > maxBytes) {
    return fail(what, `at most ${maxBytes} bytes, got ${size}`);
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8Decoder.decode(raw);
  } catch {
    return fail(what, 'UTF-8 text, got invalid bytes');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(what, `valid JSON (${(err as Error).message})`);
  }
  return validate(schema, json, what, prefixFields);
}

const STATE_FIELDS = ['time', 'coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments'] as const;

export function canonicalState(state: s.TraderState): s.TraderState {
  return JSON.parse(ordered(state, STATE_FIELDS)) as s.TraderState;
}

export const encode = {
  traderKey: (key: s.TraderKey) => ordered(key, ['team', 'name']),
  singleStreamKey: (key: string) => JSON.stringify(key),
  marketOrder: ACTIONS.market.encode,
  investmentOrder: ACTIONS.invest.encode,
  feedMonkeys: ACTIONS.feed.encode,
  traderState: (v: s.TraderState) => ordered(v, STATE_FIELDS),
  txnResult: (v: s.TxnResult) =>
    JSON.stringify({
      txnId: v.txnId,
      type: v.type,
      state: canonicalState(v.state),
      status: v.status,
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
    }),
  sharePrice: (v: s.SharePrice) => ordered(v, ['time', 'coins', 'forecast']),
  gibb: (v: s.Gibb) => ordered(v, ['id', 'time', 'text']),
  gameEvent: (v: s.GameEvent) => JSON.stringify(v),
  traderRegistration: (v: s.TraderRegistration) => ordered(v, ['time', 'tokenSha256']),
  deadLetter: (v: s.DeadLetter) =>
    ordered(v, ['time', 'topic', 'partition', 'offset', 'reason', 'key', 'value', 'keyBytes', 'valueBytes', 'truncated']),
};

export const decodeMessage = {
  traderKey: (raw: RawMessage) => decode(s.traderKeySchema, raw, 'key', true),
  marketOrder: (raw: RawMessage) => decode(ACTIONS.market.orderSchema, raw),
  investmentOrder: (raw: RawMessage) => decode(ACTIONS.invest.orderSchema, raw),
  feedMonkeys: (raw: RawMessage) => decode(ACTIONS.feed.orderSchema, raw),
  traderState: (raw: RawMessage) => decode(s.traderStateSchema, raw),
  txnResult: (raw: RawMessage) => decode(s.txnResultSchema, raw),
  sharePrice: (raw: RawMessage) => decode(s.sharePriceSchema, raw),
  gibb: (raw: RawMessage) => decode(s.gibbSchema, raw),
  gameEvent: (raw: RawMessage) => decode(s.gameEventSchema, raw),
  traderRegistration: (raw: RawMessage) => decode(s.traderRegistrationSchema, raw),
  deadLetter: (raw: RawMessage) => decode(s.deadLetterSchema, raw, '(value)', false, PROTOCOL_LIMITS.maxDeadLetterBytes),
};

/** Stable string form of a trader key, for maps and logs. */
export function traderId(key: s.TraderKey): string {
  return `${key.team}/${key.name}`;
}

/** An order read from its action's topic, as the action it is. */
export function decodeActionOrder(spec: AnyActionSpec, raw: RawMessage): DecodeResult<TraderAction> {
  const order = decode(spec.orderSchema, raw);
  return order.ok ? { ok: true, value: { kind: spec.kind, order: order.value } as TraderAction } : order;
}
