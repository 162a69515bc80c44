/**
 * @nestjs/throttler's storage, counted on the game clock instead of Date.now:
 * the gibber's limits then hold in virtual time too (tests, simulations), and
 * nothing in the server reads the wall clock behind the clock's back. Fixed
 * windows per client, like the library's own in-memory storage.
 */
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from '@banana-market/engine';

interface Window {
  hits: number;
  expiresAt: number;
  blockedUntil: number;
}

/** Forgets finished windows once this many clients are tracked, so a long evening stays small. */
const SWEEP_ABOVE = 1_000;

export class ClockThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly clock: Clock) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = this.clock.now();
    if (this.windows.size > SWEEP_ABOVE) this.sweep(now);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (window === undefined || (window.expiresAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    const blocked = window.blockedUntil > now;
    if (!blocked) {
      window.hits += 1;
      if (window.hits > limit) window.blockedUntil = now + blockDuration;
    }
    return {
      totalHits: window.hits,
      timeToExpire: Math.ceil(Math.max(0, window.expiresAt - now) / 1000),
      isBlocked: window.blockedUntil > now,
      timeToBlockExpire: Math.ceil(Math.max(0, window.blockedUntil - now) / 1000),
    };
  }

  private sweep(now: number): void {
    for (const [id, window] of this.windows) if (window.expiresAt <= now && window.blockedUntil <= now) this.windows.delete(id);
  }
}
