/**
 * The room's limit on how fast one trader may act (ACTION_RATE): a token
 * bucket per trader, refilled at `perSecond` and holding at most `burst`.
 * An action over the limit is refused on every path with the same words:
 * HTTP 429 with Retry-After, a WebSocket `error` with `code`, or a REJECTED
 * answer on txn-rejections; each carries `retryAfterMs`.
 */
export const RATE_LIMITED = 'RATE_LIMITED';
/** The reason's prefix of an action after the game's end (its time is up, or the coach ended it). */
export const GAME_OVER = 'GAME_OVER';

export interface ActionRateLimit {
  /** Actions per second each trader may sustain; 0 turns the limit off. */
  readonly perSecond: number;
  /** Actions a trader may take at once after a pause. */
  readonly burst: number;
}

export const DEFAULT_ACTION_RATE_LIMIT: ActionRateLimit = Object.freeze({ perSecond: 20, burst: 40 });

/** Why an action over the limit is refused: starts with RATE_LIMITED, states the limit and when to try again. */
export function rateLimitedReason(limit: ActionRateLimit, retryAfterMs: number): string {
  return `${RATE_LIMITED}: at most ${limit.perSecond} actions per second per trader (bursts of ${limit.burst}); try again in ${retryAfterMs} ms`;
}

const RETRY_AFTER = /; try again in (\d+) ms$/;

/** The wait a rate-limit refusal's reason states (what rateLimitedReason wrote), or undefined for any other reason. */
export function retryAfterOfReason(reason: string | undefined): number | undefined {
  if (reason === undefined || !reason.startsWith(`${RATE_LIMITED}:`)) return undefined;
  const wait = RETRY_AFTER.exec(reason);
  return wait === null ? undefined : Number(wait[1]);
}
