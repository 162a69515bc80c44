/**
 * The error-verdict table: one row per bad field of each action, with the
 * verdict every path must give (test/error-verdicts.test.ts on the embedded
 * bus, test/integration/error-verdicts-kafka.test.ts on a real broker).
 */
import { TOPICS, type ActionKind } from '@banana-market/protocol';

/** A field's raw JSON text; undefined leaves the field out. */
export type Fields = Record<string, string | undefined>;

export interface Row {
  readonly kind: ActionKind;
  readonly label: string;
  readonly fields: Fields;
  /** REJECTED with this field ('' = the whole value) and text after "field: ", or ACCEPTED. */
  readonly verdict: { readonly field: string; readonly expected: string } | 'ACCEPTED';
}

export const VALID: Record<ActionKind, Fields> = {
  market: { type: '"BUY"', shares: '1' },
  invest: { invested: '1' },
  feed: { monkeys: '1' },
};

const SHARES = 'expected an integer number of shares';
const MONKEYS = 'expected an integer number of monkeys';
const COINS = 'expected a number of coins';
const TIME = 'expected an ISO-8601 date-time string (UTC when it has no zone)';

const row = (kind: ActionKind, label: string, fields: Fields, field: string, expected: string): Row => ({
  kind,
  label,
  fields,
  verdict: { field, expected },
});

export const ROWS: readonly Row[] = [
  row('market', 'type lowercase', { type: '"buy"' }, 'type', 'expected "BUY" or "SELL", got the string "buy"'),
  row('market', 'type a number', { type: '1' }, 'type', 'expected "BUY" or "SELL", got 1'),
  row('market', 'type missing', { type: undefined }, 'type', 'is missing (expected "BUY" or "SELL")'),
  row('market', 'shares the string "1"', { shares: '"1"' }, 'shares', `${SHARES}, got the string "1"`),
  row('market', 'shares 1.5', { shares: '1.5' }, 'shares', `${SHARES}, got 1.5`),
  row('market', 'shares -1', { shares: '-1' }, 'shares', 'expected at least 1 share, got -1'),
  row('market', 'shares 0', { shares: '0' }, 'shares', 'expected at least 1 share, got 0'),
  row('market', 'shares huge', { shares: '10000000000' }, 'shares', 'expected at most 1000000000 shares, got 10000000000'),
  row('market', 'shares 1e400', { shares: '1e400' }, 'shares', `${SHARES}, got a number too large for a double`),
  row('market', 'shares null', { shares: 'null' }, 'shares', `${SHARES}, got null`),
  row('market', 'shares an array', { shares: '[1]' }, 'shares', `${SHARES}, got an array`),
  row('market', 'shares missing', { shares: undefined }, 'shares', `is missing (${SHARES})`),
  row('market', 'txnId a number', { txnId: '123' }, 'txnId', 'expected a transaction id string, got 123'),
  row('market', 'txnId empty', { txnId: '""' }, 'txnId', 'expected a non-empty transaction id, got an empty string'),
  row('market', 'txnId too long', { txnId: `"${'t'.repeat(129)}"` }, 'txnId', 'expected at most 128 characters, got a string of 129 characters'),
  row('market', 'time garbage', { time: '"garbage"' }, 'time', `${TIME}, got the string "garbage"`),
  row('market', 'time a number', { time: '1764748800000' }, 'time', `${TIME}, got 1764748800000`),
  { kind: 'market', label: 'time without a zone (UTC)', fields: { time: '"2026-12-03T08:00:00"' }, verdict: 'ACCEPTED' },
  { kind: 'market', label: 'time with a zone', fields: { time: '"2026-12-03T08:00:00.000Z"' }, verdict: 'ACCEPTED' },
  row('invest', 'invested a string', { invested: '"3"' }, 'invested', `${COINS}, got the string "3"`),
  row('invest', 'invested 0', { invested: '0' }, 'invested', `${COINS} greater than 0, got 0`),
  row('invest', 'invested negative', { invested: '-2.5' }, 'invested', `${COINS} greater than 0, got -2.5`),
  row('invest', 'invested huge', { invested: '1e13' }, 'invested', 'expected at most 1000000000000 coins, got 10000000000000'),
  row('invest', 'invested null', { invested: 'null' }, 'invested', `${COINS}, got null`),
  row('invest', 'invested missing', { invested: undefined }, 'invested', `is missing (${COINS})`),
  row('invest', 'time garbage', { time: '"noon"' }, 'time', `${TIME}, got the string "noon"`),
  { kind: 'invest', label: 'time without a zone (UTC)', fields: { time: '"2026-12-03T08:00:00.5"' }, verdict: 'ACCEPTED' },
  row('feed', 'monkeys a string', { monkeys: '"2"' }, 'monkeys', `${MONKEYS}, got the string "2"`),
  row('feed', 'monkeys 1.5', { monkeys: '1.5' }, 'monkeys', `${MONKEYS}, got 1.5`),
  row('feed', 'monkeys 0', { monkeys: '0' }, 'monkeys', 'expected at least 1 monkey, got 0'),
  row('feed', 'monkeys an object', { monkeys: '{"n":1}' }, 'monkeys', `${MONKEYS}, got an object`),
  row('feed', 'monkeys missing', { monkeys: undefined }, 'monkeys', `is missing (${MONKEYS})`),
  { kind: 'feed', label: 'time without a zone (UTC)', fields: { time: '"2026-12-03T08:00:00"' }, verdict: 'ACCEPTED' },
];

/** The order's JSON text, with the path's own txnId unless the row is about txnId. */
export function orderText(r: Row, txnId: string): string {
  const fields: Fields = { ...VALID[r.kind], ...r.fields };
  if (!('txnId' in r.fields)) fields.txnId = JSON.stringify(txnId);
  const parts = Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [`${JSON.stringify(k)}:${v}`]));
  return `{${parts.join(',')}}`;
}

/** The message each path gives: the whole value is `(value)` on Kafka, `body` over HTTP, `data` over WebSocket. */
export function messageOn(path: 'kafka' | 'http' | 'ws', verdict: { field: string; expected: string }): string {
  const whole = { kafka: '(value)', http: 'body', ws: 'data' }[path];
  const field = verdict.field === '' ? whole : path === 'ws' ? `data.${verdict.field}` : verdict.field;
  return `${field}: ${verdict.expected}`;
}

/** Where the engine's answers to orders land: txn-results, and txn-rejections once that topic exists. */
export const ANSWER_TOPICS = Object.values(TOPICS)
  .map((t) => t.name)
  .filter((name) => name === TOPICS.txnResults.name || name === 'txn-rejections');
