/**
 * Decoding and encoding of protocol messages. Decoding never throws: it
 * returns the typed value or an error that names the field and what was
 * expected, which is what a participant needs to fix their bot.
 */
import type { z } from 'zod';
import { ACTIONS, type AnyActionSpec, type TraderAction } from './actions.js';
import { orderedJsonWriter } from './field-order.js';
import { PROTOCOL_LIMITS } from './limits.js';
import * as s from './schemas.js';
import { utf8ByteLength } from './utf8-length.js';

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

function fail(field: string, expected: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: new ProtocolError([{ field, expected }]) };
}

/** Longest string quoted in full when an error says what it received. */
const MAX_QUOTED_STRING = 40;

/**
 * What a value is, for "…, got X": `the string "1"`, `1.5`, `null`, `an
 * array`, `an object`, `nothing` (absent), `an empty string`.
 */
export function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty array' : 'an array';
  switch (typeof input) {
    case 'string':
      if (input === '') return 'an empty string';
      return input.length <= MAX_QUOTED_STRING ? `the string ${JSON.stringify(input)}` : `a string of ${input.length} characters`;
    case 'number':
      if (Number.isNaN(input)) return 'NaN';
      if (!Number.isFinite(input)) return `${input < 0 ? '-' : ''}a number too large for a double`;
      return String(input);
    case 'boolean':
      return String(input);
    case 'object':
      return 'an object';
    default:
      return typeof input;
  }
}

/** Messages for checks whose schema gave none (zod's own defaults read "Invalid input: …"). */
const defaultMessages = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object'
        ? 'expected a JSON object'
        : issue.expected === 'array'
          ? 'expected a JSON array'
          : `expected a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `expected at least ${String(issue.minimum)} character${Number(issue.minimum) === 1 ? '' : 's'}`
        : `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `expected at most ${String(issue.maximum)} characters` : `expected at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `expected a ${issue.format}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return 'not a known field';
    default:
      return undefined;
  }
};

type Step = PropertyKey;

/** Where `path` leads in `input`: the value there, and whether its last key exists at all. */
function lookup(input: unknown, path: readonly Step[]): { present: boolean; value: unknown } {
  let current: unknown = input;
  for (const step of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return { present: current !== undefined, value: current };
}

/** The known fields of an object schema (or an optional one), for "did you mean". */
function knownFields(schema: z.ZodType): string[] {
  let inner: unknown = schema;
  for (let i = 0; i < 3 && inner !== undefined; i += 1) {
    const def = (inner as { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown> } }).def;
    if (def?.type === 'object' && def.shape !== undefined) return Object.keys(def.shape);
    inner = def?.innerType;
  }
  return [];
}

/**
 * Validates an already-parsed value (an HTTP body, a WebSocket payload).
 * `what` names the whole value in errors; with `prefixFields`, field paths
 * are prefixed by it too (`key.team` rather than `team`). Every problem says
 * what was expected and what arrived instead (`shares: expected an integer
 * number of shares, got the string "1"`), or that the field is missing.
 * One problem per field: the first check that failed.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown, what = '(value)', prefixFields = false): DecodeResult<T> {
  // The plain parse first: per-call options take zod off its compiled fast path, and almost every message is valid.
  const valid = schema.safeParse(input);
  if (valid.success) return { ok: true, value: valid.data };
  const parsed = schema.safeParse(input, { reportInput: true, error: defaultMessages });
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems: FieldProblem[] = [];
  const fieldName = (path: readonly Step[]) => {
    const dotted = path.map(String).join('.');
    return dotted === '' ? what : prefixFields ? `${what}.${dotted}` : dotted;
  };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = issue.path.length === 0 ? knownFields(schema) : [];
      for (const key of issue.keys) {
        const hint = known.length === 0 ? '' : ` (known fields: ${known.join(', ')})`;
        problems.push({ field: fieldName([...issue.path, key]), expected: `not a known field${hint}` });
      }
      continue;
    }
    const field = fieldName(issue.path);
    if (problems.some((p) => p.field === field)) continue;
    const found = lookup(input, issue.path);
    const received = 'input' in issue && issue.input !== undefined ? issue.input : found.value;
    if (!found.present && received === undefined) {
      problems.push({ field, expected: `is missing (${issue.message})` });
    } else {
      problems.push({ field, expected: `${issue.message}, got ${describeReceived(received)}` });
    }
  }
  if (problems.length === 0) problems.push({ field: what, expected: `expected a valid value, got ${describeReceived(input)}` });
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
  if (raw === null || raw === undefined) return fail(what, 'expected a JSON message, got nothing');
  const size = typeof raw === 'string' ? utf8ByteLength(raw) : raw.byteLength;
  if (size === 0) return fail(what, 'expected a JSON message, got an empty one');
  if (size > maxBytes) {
    return fail(what, `expected at most ${maxBytes} bytes, got ${size}`);
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8Decoder.decode(raw);
  } catch {
    return fail(what, 'expected UTF-8 text, got invalid bytes');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(what, `expected valid JSON (${(err as Error).message})`);
  }
  return validate(schema, json, what, prefixFields);
}

const STATE_FIELDS = ['time', 'coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments'] as const;

/** A trader state's JSON: its fields in the 2018 order, nothing else. */
const traderStateJson = orderedJsonWriter<s.TraderState>(STATE_FIELDS);

export function canonicalState(state: s.TraderState): s.TraderState {
  return JSON.parse(traderStateJson(state)) as s.TraderState;
}

export const encode = {
  traderKey: orderedJsonWriter<s.TraderKey>(['team', 'name']),
  singleStreamKey: (key: string) => JSON.stringify(key),
  marketOrder: ACTIONS.market.encode,
  investmentOrder: ACTIONS.invest.encode,
  feedMonkeys: ACTIONS.feed.encode,
  traderState: traderStateJson,
  // The state in its canonical JSON, written straight into the result's.
  txnResult: orderedJsonWriter<s.TxnResult>(['txnId', 'type', 'state', 'status', 'reason'], { state: traderStateJson }),
  sharePrice: orderedJsonWriter<s.SharePrice>(['time', 'coins', 'forecast']),
  gibb: orderedJsonWriter<s.Gibb>(['id', 'time', 'text']),
  gameEvent: (v: s.GameEvent) => JSON.stringify(v),
  traderRegistration: orderedJsonWriter<s.TraderRegistration>(['time', 'tokenSha256', 'tokenNonce', 'removedAt']),
  teamKey: orderedJsonWriter<s.TeamKey>(['team']),
  teamRecord: orderedJsonWriter<s.TeamRecord>(['time']),
  deadLetter: orderedJsonWriter<s.DeadLetter>([
    'time',
    'topic',
    'partition',
    'offset',
    'reason',
    'key',
    'value',
    'keyBytes',
    'valueBytes',
    'truncated',
  ]),
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
  teamKey: (raw: RawMessage) => decode(s.teamKeySchema, raw, 'key', true),
  teamRecord: (raw: RawMessage) => decode(s.teamRecordSchema, raw),
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
