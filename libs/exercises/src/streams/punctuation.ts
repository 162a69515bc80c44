import type { NodeContext } from './topology.js';

/**
 * What drives a punctuation, as in Kafka Streams: the records' event time
 * (stream time, moved only by records) or the machine's clock.
 */
export const PunctuationType = Object.freeze({
  /** Fires when stream time (the largest record timestamp seen) reaches the next due time: no records, no punctuation. */
  STREAM_TIME: 'STREAM_TIME',
  /** Fires when the wall clock reaches the next due time, records or not (TopologyTestDriver: advanceWallClockTime). */
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const);
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

/** Kafka's Punctuator.punctuate: gets the time that made it fire (stream time, or the wall clock), in ms. */
export type Punctuator = (timestamp: number) => void;

/** What schedule() returns: cancel() stops the punctuation, from inside its punctuator too. */
export interface Cancellable {
  cancel(): void;
}

export type Schedule = (intervalMs: number, type: PunctuationType, punctuator: Punctuator) => Cancellable;

interface Scheduled {
  /** When it is due next. */
  time: number;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  /** Punctuations due at the same time fire in the order they were scheduled. */
  readonly order: number;
  cancelled: boolean;
}

/**
 * Kafka Streams' PunctuationQueue#maybePunctuate and PunctuationSchedule#next:
 * each punctuation due at `now` fires once, with `now`, then is due at the
 * next point of its grid (first due time + n × interval) after `now`. After a
 * gap (no records for a while, a late timer) it fires once, not once per
 * interval skipped, and stays on its grid.
 */
export class PunctuationQueue {
  private scheduled: Scheduled[] = [];
  private counter = 0;

  schedule(firstTime: number, intervalMs: number, punctuator: Punctuator): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`the minimum supported scheduling interval is 1 millisecond, got ${intervalMs}`);
    }
    if (typeof punctuator !== 'function') throw new TypeError('schedule needs a punctuator: (timestamp) => void');
    const entry: Scheduled = { time: firstTime, intervalMs, punctuator, order: this.counter++, cancelled: false };
    this.scheduled.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
        this.scheduled = this.scheduled.filter((other) => other !== entry);
      },
    };
  }

  /** Fires every punctuation due at `now`; returns whether one fired. */
  mayPunctuate(now: number): boolean {
    let punctuated = false;
    for (let due = this.nextDue(now); due !== undefined; due = this.nextDue(now)) {
      due.punctuator(now);
      punctuated = true;
      due.time += (Math.floor((now - due.time) / due.intervalMs) + 1) * due.intervalMs;
    }
    return punctuated;
  }

  get size(): number {
    return this.scheduled.length;
  }

  clear(): void {
    for (const entry of this.scheduled) entry.cancelled = true;
    this.scheduled = [];
  }

  private nextDue(now: number): Scheduled | undefined {
    let next: Scheduled | undefined;
    for (const entry of this.scheduled) {
      if (entry.cancelled || entry.time > now) continue;
      if (next === undefined || entry.time < next.time || (entry.time === next.time && entry.order < next.order)) next = entry;
    }
    return next;
  }
}

const schedulers = new WeakMap<NodeContext, Schedule>();

/** The runtime registers how each node it runs schedules punctuations. */
export function registerSchedule(context: NodeContext, schedule: Schedule): void {
  schedulers.set(context, schedule);
}

/** ProcessorContext.schedule, for the node that owns `context`. */
export function scheduleFor(context: NodeContext, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
  const schedule = schedulers.get(context);
  if (schedule === undefined) throw new Error('this context cannot schedule punctuations: it was not made by a TopologyRuntime');
  return schedule(intervalMs, type, punctuator);
}
