/**
 * How long to wait before reconnecting to X, as X documents for its filtered
 * stream: network errors back off linearly (+250 ms, up to 16 s); HTTP errors
 * exponentially (5 s doubling, up to 320 s); 429 until the rate-limit window
 * resets when X says when, else exponentially from one minute.
 */
import type { XFailure } from './x-failure.js';

export type XRetryPolicy = (attempt: number, failure: XFailure, now: number) => number;

export const X_NETWORK_STEP_MS = 250;
export const X_NETWORK_MAX_MS = 16_000;
export const X_HTTP_FIRST_MS = 5_000;
export const X_HTTP_MAX_MS = 320_000;
export const X_RATE_LIMIT_FIRST_MS = 60_000;
/** A second past the announced reset: X's clock and ours differ, and reset is in whole seconds. */
export const X_RESET_MARGIN_MS = 1_000;

/** `attempt` counts from 1 for the first retry after a failure. */
export const documentedXRetryPolicy: XRetryPolicy = (attempt, failure, now) => {
  const n = Math.max(1, Math.floor(attempt));
  switch (failure.kind) {
    case 'network':
      return Math.min(X_NETWORK_STEP_MS * n, X_NETWORK_MAX_MS);
    case 'rate-limited':
      if (failure.resetAt !== undefined && failure.resetAt > now - X_RESET_MARGIN_MS) return Math.max(0, failure.resetAt - now) + X_RESET_MARGIN_MS;
      return X_RATE_LIMIT_FIRST_MS * 2 ** Math.min(n - 1, 10);
    default:
      return Math.min(X_HTTP_FIRST_MS * 2 ** (n - 1), X_HTTP_MAX_MS);
  }
};
