/** Where kafkajs' own log lines go: a logger the caller passes, without the noise of errors kafkajs retries. */
import type { logCreator, LogEntry } from 'kafkajs';
import { logLevel } from './kafkajs.js';

/** What the project's loggers (Nest's Logger, a console wrapper) have in common. */
export interface KafkaLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Errors kafkajs logs on its way to a successful retry: noise for a coach's terminal. */
const RETRIED_ERRORS = [
  'another concurrent operation on the same transaction',
  'coordinator is loading',
  'coordinator is not available',
  'not the correct coordinator',
  'does not host this topic-partition',
  'There is no leader for this topic-partition',
  'Topic creation errors',
  'not the leader for that topic-partition',
  // A transactional producer with bounded retries (to notice a lost broker quickly): a failed transaction is
  // aborted and redone from the committed offsets, so exactly-once holds; kafkajs warns at every connect.
  'Limiting retries for the idempotent producer',
];

/** A kafkajs logCreator that writes warnings and errors to `logger`, one line each. */
export function logCreatorFor(logger: KafkaLogger): logCreator {
  return () => (entry) => writeEntry(logger, entry);
}

function writeEntry(logger: KafkaLogger, { level, log }: LogEntry): void {
  const { message, ...extra } = log;
  const text = `${message} ${String((extra as { error?: unknown }).error ?? '')}`;
  if (RETRIED_ERRORS.some((known) => text.includes(known))) return;
  const line = `${message}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
  if (level === logLevel.ERROR) logger.error(line);
  else if (level === logLevel.WARN) logger.warn(line);
}
