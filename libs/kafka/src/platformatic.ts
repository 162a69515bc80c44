/**
 * The project's one door to @platformatic/kafka, the client of the game
 * server's hot path (issue 17: exactly-once with KIP-447 fencing, fewer
 * round trips than kafkajs). It declares Node ≥ 22.22, and on Node 20 the one
 * thing it calls that Node 20 lacks is `Promise.withResolvers` (every request
 * goes through it): core-js' polyfill is installed here, before any of the
 * client's code runs, so nothing imports the client any other way.
 * `test/platformatic.test.ts` runs a real transaction through it on the
 * Node it is given. Not polyfilled: zstd compression (zlib gained it in
 * Node 22.15), so a zstd-compressed batch cannot be read on Node 20.
 */
import 'core-js/stable/promise/with-resolvers.js';

export {
  Admin,
  compatibilityPartitioner,
  Consumer,
  FetchIsolationLevels,
  MessagesStreamModes,
  Producer,
  type ConsumerOptions,
  type GroupPartitionsAssigner,
  type Message as PlatformaticMessage,
  type ProducerOptions,
} from '@platformatic/kafka';

/**
 * A @platformatic/kafka failure and every error within it: it wraps errors in
 * AggregateErrors (a request's errors, a retried operation's attempts) and causes.
 */
export function errorsWithin(error: unknown): object[] {
  const found: object[] = [];
  const seen = new Set<unknown>();
  const visit = (current: unknown): void => {
    if (typeof current !== 'object' || current === null || seen.has(current)) return;
    seen.add(current);
    found.push(current);
    const { errors, cause } = current as { errors?: unknown; cause?: unknown };
    if (Array.isArray(errors)) for (const inner of errors) visit(inner);
    visit(cause);
  };
  visit(error);
  return found;
}

/** The broker's error names (`ILLEGAL_GENERATION`, `PRODUCER_FENCED`, …) in a @platformatic/kafka failure. */
export function brokerErrorIds(error: unknown): string[] {
  const ids = new Set<string>();
  for (const e of errorsWithin(error)) {
    const { apiId } = e as { apiId?: unknown };
    if (typeof apiId === 'string') ids.add(apiId);
  }
  return [...ids];
}
