/**
 * How long each phase of a slow operation took (a recovery, a member
 * starting), for the log line that tells a coach where the seconds went:
 * `re-checking the state 0.1 s, restarting the consumers 0.1 s, taking the
 * tasks 0.4 s`; and, while it lasts, which phase it is in. Wall time on
 * purpose: it measures the broker and the network, not the game.
 */
export class PhaseTimer {
  private readonly started = Date.now();
  private phaseStarted = this.started;
  private readonly done: string[] = [];
  /** The phase going on (undefined once ended). */
  current: string | undefined;

  /** Ends the phase going on, if any, and starts `what`. */
  begin(what: string): void {
    this.end();
    this.current = what;
  }

  /** Ends the phase going on. */
  end(): void {
    const now = Date.now();
    if (this.current !== undefined) this.done.push(`${this.current} ${((now - this.phaseStarted) / 1000).toFixed(1)} s`);
    this.current = undefined;
    this.phaseStarted = now;
  }

  elapsedSeconds(): string {
    return ((Date.now() - this.started) / 1000).toFixed(1);
  }

  /** The ended phases and their durations. */
  toString(): string {
    return this.done.join(', ');
  }
}
