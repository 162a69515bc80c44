/** A window of event time, [start, end) — except sliding and session windows, whose end is the last record's timestamp (inclusive), as in Kafka Streams. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** A key within one window. JSON on the wire: {"key":…,"window":{"start":…,"end":…}}. */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

function requirePositive(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}`);
}

function requireGrace(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`grace must be zero or more milliseconds, got ${ms}`);
  return ms;
}

/** Tumbling windows of a fixed size; hopping ones once advanceBy is used. */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    requirePositive('window size', sizeMs);
    return new TimeWindows(sizeMs, sizeMs, requireGrace(graceMs));
  }

  advanceBy(advanceMs: number): TimeWindows {
    requirePositive('advance', advanceMs);
    if (advanceMs > this.sizeMs) throw new RangeError(`advance (${advanceMs}) must not exceed the window size (${this.sizeMs})`);
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** Every window a timestamp belongs to, oldest first; windows are aligned to the epoch. */
  windowsFor(timestamp: number): Window[] {
    const windows: Window[] = [];
    const firstStart = Math.max(0, Math.floor((timestamp - this.sizeMs) / this.advanceMs + 1) * this.advanceMs);
    for (let start = firstStart; start <= timestamp; start += this.advanceMs) {
      if (timestamp < start + this.sizeMs) windows.push({ start, end: start + this.sizeMs });
    }
    return windows;
  }

  closeTimeOf(window: Window): number {
    return window.end + this.graceMs;
  }
}

/**
 * Windows whose end is a record's timestamp, inclusive (Kafka Streams' sliding
 * and session windows): one stays open a millisecond past its end, plus how far
 * a later record may still reach back into it, plus grace.
 */
abstract class RecordBoundedWindows {
  protected constructor(
    readonly graceMs: number,
    private readonly reachBackMs: number,
  ) {}

  closeTimeOf(window: Window): number {
    return window.end + this.reachBackMs + 1 + this.graceMs;
  }
}

/** Kafka Streams sliding windows: each record defines a window [t - difference, t], both ends inclusive. */
export class SlidingWindows extends RecordBoundedWindows {
  private constructor(
    readonly differenceMs: number,
    graceMs: number,
  ) {
    super(graceMs, 0);
  }

  static ofTimeDifferenceWithNoGrace = (differenceMs: number): SlidingWindows => SlidingWindows.ofTimeDifferenceAndGrace(differenceMs, 0);

  static ofTimeDifferenceAndGrace(differenceMs: number, graceMs: number): SlidingWindows {
    requirePositive('time difference', differenceMs);
    return new SlidingWindows(differenceMs, requireGrace(graceMs));
  }
}

/** Sessions of activity: records within the gap (inclusive) share a session, from its first to its last record. */
export class SessionWindows extends RecordBoundedWindows {
  private constructor(
    readonly gapMs: number,
    graceMs: number,
  ) {
    // A record at exactly end + gap still extends the session.
    super(graceMs, gapMs);
  }

  static ofInactivityGapWithNoGrace = (gapMs: number): SessionWindows => SessionWindows.ofInactivityGapAndGrace(gapMs, 0);

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    requirePositive('inactivity gap', gapMs);
    return new SessionWindows(gapMs, requireGrace(graceMs));
  }
}

/** How a windowed table holds back its updates. */
export class Suppressed {
  private constructor(readonly mode: 'untilWindowCloses') {}

  /** Emit final: one result per window, once stream time closes the window. */
  static untilWindowCloses(): Suppressed {
    return new Suppressed('untilWindowCloses');
  }
}

/** What a windowed table knows about its windows: when each one closes. */
export interface WindowClosing {
  closeTimeOf(window: Window): number;
}

/**
 * How far apart in event time two records of a stream–stream join may be, as
 * Kafka's `JoinWindows`: a record of this stream at t joins every record of the
 * other stream with the same key whose timestamp is in [t − before, t + after]
 * (both ends inclusive); `ofTimeDifference…(d)` sets both to d, so |t1 − t2| ≤ d.
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    if (!Number.isFinite(timeDifferenceMs) || timeDifferenceMs < 0) {
      throw new RangeError(`time difference must be zero or more milliseconds, got ${timeDifferenceMs}`);
    }
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, requireGrace(graceMs));
  }

  /** Joins other records up to `ms` before this one (may be negative, as long as before + after ≥ 0). */
  before(ms: number): JoinWindows {
    return JoinWindows.checked(ms, this.afterMs, this.graceMs);
  }

  /** Joins other records up to `ms` after this one (may be negative, as long as before + after ≥ 0). */
  after(ms: number): JoinWindows {
    return JoinWindows.checked(this.beforeMs, ms, this.graceMs);
  }

  /** before + after: how much event time one record's window spans. */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  private static checked(beforeMs: number, afterMs: number, graceMs: number): JoinWindows {
    if (!Number.isFinite(beforeMs) || !Number.isFinite(afterMs) || beforeMs + afterMs < 0) {
      throw new RangeError(`a join window needs before + after ≥ 0, got before ${beforeMs} and after ${afterMs}`);
    }
    return new JoinWindows(beforeMs, afterMs, graceMs);
  }
}
