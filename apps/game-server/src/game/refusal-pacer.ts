/**
 * When to answer an action refused for the rate limit: when the trader may
 * act again, counting the refusals already waiting — the k-th waiting one is
 * answered k tokens later. A client flooding with many requests or frames in
 * flight (each answer awaited before the next) is then paced to about the
 * limit itself, instead of sending as many as the server can refuse, and its
 * answers come spread out, not in bursts that the other traders' requests
 * would wait behind. The wall clock on purpose: this paces a connection, not
 * the game.
 */
import { traderId, type ActionRateLimit, type TraderKey } from '@banana-market/protocol';

/** The longest a refusal is held. */
export const MAX_HOLD_MS = 10_000;
/**
 * Refusals held per trader at most: a client that does not wait for its answers is not slowed by holding
 * them, and every held one is a timer; past this many, refusals are answered at once.
 */
export const MAX_HELD = 1_000;

export class RefusalPacer {
  /** traderId → refusals waiting to be answered. */
  private readonly waiting = new Map<string, number>();
  private readonly msPerToken: number;

  constructor(limit: ActionRateLimit) {
    this.msPerToken = limit.perSecond > 0 ? 1000 / limit.perSecond : 0;
  }

  /** Calls `answer` when the refused action's answer is due (at once past MAX_HELD). */
  hold(trader: TraderKey, retryAfterMs: number, answer: () => void): void {
    const id = traderId(trader);
    const waiting = this.waiting.get(id) ?? 0;
    if (waiting >= MAX_HELD) return answer();
    this.waiting.set(id, waiting + 1);
    const delay = Math.min(MAX_HOLD_MS, retryAfterMs + waiting * this.msPerToken);
    setTimeout(() => {
      const left = (this.waiting.get(id) ?? 1) - 1;
      if (left > 0) this.waiting.set(id, left);
      else this.waiting.delete(id);
      answer();
    }, delay).unref();
  }

  /** The same as a promise (a WebSocket frame answered later). */
  later<T>(trader: TraderKey, retryAfterMs: number, answer: () => T): Promise<T> {
    return new Promise((resolve) => this.hold(trader, retryAfterMs, () => resolve(answer())));
  }
}
