/**
 * How long each phase of a slow operation took (a recovery, a member
 * joining), for the log line that tells a coach where the seconds went:
 * `state re-checked 1.2 s, consumers back 3.0 s, tasks taken 0.4 s`.
 * Wall time on purpose: it measures the broker and the network, not the game.
 */
export class PhaseTimer {
  private readonly started = Date.now();
  private last = this.started;
  private readonly laps: string[] = [];
  /** What is going on now (begin()), for a log line while waiting. */
  current = 'starting';

  begin(what: string): void {
    this.current = what;
  }

  elapsedSeconds(): string {
    return ((Date.now() - this.started) / 1000).toFixed(1);
  }

  /** Ends the current phase under this name. */
  lap(name: string): void {
    const now = Date.now();
    this.laps.push(`${name} ${((now - this.last) / 1000).toFixed(1)} s`);
    this.last = now;
  }

  toString(): string {
    return this.laps.join(', ');
  }
}
