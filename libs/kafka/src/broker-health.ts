/**
 * Telling a broker that went away from other failures, and asking whether it
 * is back: what a client needs to survive a broker restart rather than exit.
 */
import { createKafkaClient } from './client.js';
import type { SaslCredentials } from './sasl.js';

/** kafkajs' names for "no answer from the broker": a refused or closed connection, a timeout, retries spent on those. */
const BROKER_LOSS_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSLockTimeout',
]);

/** The error and its causes (kafkajs wraps the last failure of its retries in `originalError` or `cause`). */
function* causes(error: unknown): Generator<{ name?: unknown; type?: unknown; code?: unknown; message?: unknown }> {
  const seen = new Set<unknown>();
  let current = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current as { name?: unknown; type?: unknown };
    const { cause, originalError } = current as { cause?: unknown; originalError?: unknown };
    current = originalError ?? cause;
  }
}

/** Whether `error` says the broker did not answer (rather than refused what it was asked). */
export function isBrokerLoss(error: unknown): boolean {
  for (const e of causes(error)) {
    if (typeof e.name === 'string' && BROKER_LOSS_ERRORS.has(e.name)) return true;
    if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(e.code)) return true;
  }
  return false;
}

/** One line for a log or a health reason: the innermost message kafkajs kept, e.g. "connect ECONNREFUSED 127.0.0.1:9092". */
export function brokerErrorText(error: unknown): string {
  const messages = [...causes(error)].map((e) => String(e.message ?? '')).filter((m) => m !== '');
  const first = messages[0] ?? String(error);
  const last = messages.at(-1) ?? first;
  return first === last ? first : `${first} (${last})`;
}

export interface ProbeOptions {
  /** Per connection and request; default 2 s. */
  readonly timeoutMs?: number;
  readonly sasl?: SaslCredentials;
}

/**
 * Resolves when a broker of `brokers` answers a metadata request, rejects
 * after one try otherwise (fresh connections, no kafkajs retries: the caller
 * retries, with withRetry).
 */
export async function probeBrokers(brokers: readonly string[], options: ProbeOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const kafka = createKafkaClient({
    brokers,
    clientId: 'banana-market-probe',
    retries: 0,
    connectionTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
    sasl: options.sasl,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
