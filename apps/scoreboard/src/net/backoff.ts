/**
 * Reconnection delays: doubling from `initialMs` up to `maxMs`, with some
 * jitter so a room full of projectors and laptops does not knock on a
 * restarted server all in the same millisecond.
 */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /** Fraction of the delay added or removed at random (0.2 = ±20 %). */
  readonly jitter?: number;
  readonly random?: () => number;
}

export class Backoff {
  private attempts = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 5000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  /** Failed attempts since the last success. */
  get attempt(): number {
    return this.attempts;
  }

  nextDelayMs(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempts);
    this.attempts++;
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.round(Math.min(this.maxMs, Math.max(0, base + spread)));
  }

  reset(): void {
    this.attempts = 0;
  }
}
