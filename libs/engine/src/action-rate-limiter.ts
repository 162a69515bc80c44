/**
 * The room's per-trader limit on actions (ACTION_RATE), a token bucket per
 * trader on the game clock: `perSecond` tokens a second, at most `burst`
 * held; each action takes one, and an action that finds none is refused and
 * takes nothing. Pure: the caller says what time it is, so the limit holds
 * in virtual time as it does on the wall clock.
 *
 * The server asks twice for an order from its own gateways — the gateway
 * before it writes the order (a flood is refused there, at no cost to the
 * game) and the trader's task when it reads it (orders from Kafka clients
 * meet the limit only there). Both count at the time the order carries,
 * which the gateway stamps: so the task, counting the same orders at the
 * same times, reaches the gateway's verdict. A time a client wrote is only
 * believed if it lies within the last minute, and never before the trader's
 * previous action: a client cannot earn tokens by writing its orders into the
 * future or the past, and one whose clock is wrong (a 2018 bot that writes a
 * fixed time) is simply counted as its orders arrive.
 */
import type { ActionRateLimit } from '@banana-market/protocol';

interface Bucket {
  tokens: number;
  /** The game time `tokens` was counted at. */
  at: number;
}

/** How many traders' buckets are kept before the full ones (as good as new) are dropped. */
const DEFAULT_MAX_TRACKED = 10_000;

/** How old a time an order carries may be and still count (older, or in the future: the order counts as now). */
export const STAMPED_TIME_WINDOW_MS = 60_000;

export class ActionRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;
  private sweepAbove: number;

  constructor(
    readonly limit: ActionRateLimit,
    private readonly maxTracked = DEFAULT_MAX_TRACKED,
  ) {
    if (!(Number.isFinite(limit.perSecond) && limit.perSecond >= 0)) throw new RangeError(`perSecond must be 0 or more, got ${limit.perSecond}`);
    if (limit.perSecond > 0 && !(Number.isFinite(limit.burst) && limit.burst >= 1))
      throw new RangeError(`burst must be 1 or more, got ${limit.burst}`);
    this.tokensPerMs = limit.perSecond / 1000;
    this.sweepAbove = maxTracked;
  }

  /** Whether there is a limit at all (ACTION_RATE=0 turns it off). */
  get enabled(): boolean {
    return this.limit.perSecond > 0;
  }

  /**
   * Counts one action of `trader` (its id) at game time `now`, or at `stamped`
   * — the time the order carries — when that lies in the last minute (and
   * not before the trader's previous action, which it then counts at).
   * Returns 0 when the action may go ahead (a token was taken), else how many
   * milliseconds until one will be there.
   */
  take(trader: string, now: number, stamped: number = now): number {
    if (!this.enabled) return 0;
    // NaN (no time, or an unreadable one) fails both comparisons: now.
    const believed = stamped <= now && stamped >= now - STAMPED_TIME_WINDOW_MS ? stamped : now;
    let bucket = this.buckets.get(trader);
    if (bucket === undefined) {
      if (this.buckets.size >= this.sweepAbove) this.sweep(now);
      bucket = { tokens: this.limit.burst, at: believed };
      this.buckets.set(trader, bucket);
    }
    const at = Math.max(believed, bucket.at);
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (at - bucket.at) * this.tokensPerMs);
    bucket.at = at;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.tokensPerMs));
  }

  /** How many traders' buckets are held (the bound's test). */
  get tracked(): number {
    return this.buckets.size;
  }

  /** Drops the buckets that have refilled by now: a trader met again starts full, as it would have. */
  private sweep(now: number): void {
    for (const [trader, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.tokensPerMs >= this.limit.burst) this.buckets.delete(trader);
    }
    // Still many (a flood of new keys within one refill): sweep again only when it has doubled, not on every new key.
    this.sweepAbove = Math.max(this.maxTracked, this.buckets.size * 2);
  }
}
