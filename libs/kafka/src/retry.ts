/**
 * The one place that retries: p-retry with delays sized for a broker (tens of
 * milliseconds to a second, not p-retry's web-sized 1 s and up), and the
 * project's policy for requests right after a topic was created.
 */
import pRetry, { type Options, type RetryContext } from 'p-retry';

export type RetryOptions = Options;
export type { RetryContext };

const BROKER_DELAYS: Options = { retries: 10, minTimeout: 100, factor: 2, maxTimeout: 1_000 };

/** Runs `operation` until it resolves, waiting longer after each failure; rejects with the last error once out of retries. */
export function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return pRetry(operation, { ...BROKER_DELAYS, ...options });
}

/**
 * What is worth asking again: what kafkajs marks retriable (a topic too new
 * for every request to know it, a coordinator still loading), and a request
 * kafkajs itself gave up retrying, since its budget is shorter than the time a
 * fresh topic or a restarting broker needs.
 */
export function isRetriable(error: unknown): boolean {
  const { retriable, name } = error as { retriable?: unknown; name?: unknown };
  return retriable === true || name === 'KafkaJSNumberOfRetriesExceeded';
}

/** Retries `operation` while it fails with a retriable error, for up to `timeoutMs` (delays: 100 ms growing to 1 s unless given). */
export function retryRetriable<T>(
  operation: () => Promise<T>,
  timeoutMs: number,
  delays: Pick<RetryOptions, 'minTimeout' | 'maxTimeout'> = {},
): Promise<T> {
  return withRetry(() => operation().catch(markKafkajsTypeErrorRetriable), {
    retries: Number.POSITIVE_INFINITY,
    maxRetryTime: timeoutMs,
    factor: 1.5,
    ...delays,
    shouldRetry: ({ error }) => isRetriable(error),
  });
}

/**
 * kafkajs' fetchTopicOffsets now and then throws a TypeError (it destructures
 * an answer that lacks the topic; seen when the game server started on Kafka
 * 4.4). p-retry never retries a TypeError, so one thrown inside kafkajs goes
 * on marked retriable.
 */
function markKafkajsTypeErrorRetriable(error: unknown): never {
  const thrownByKafkajs = error instanceof TypeError && /^\s+at .*[\\/]kafkajs[\\/]/m.test(error.stack?.split('\n')[1] ?? '');
  if (!thrownByKafkajs) throw error;
  throw Object.assign(new Error(`kafkajs: ${error.message}`, { cause: error }), { retriable: true });
}

/** Waits for `promise` (errors ignored) at most `ms`: a client of a lost broker may take long to give up (disconnect, a last transaction). */
export async function withinTime(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
