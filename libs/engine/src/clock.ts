/**
 * Time for the engine's hosts. Everything that needs "now" or a timer takes a
 * Clock, so a game can run on the wall clock or in virtual time (a 3-hour
 * game in seconds, in tests and simulations).
 */
export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        callback();
      },
      Math.max(0, delayMs),
    );
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

interface VirtualTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due-time order (ties in
 * the order they were set), each seeing `now()` equal to its due time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: VirtualTimer[] = [];

  constructor(start: number | Date = Date.UTC(2026, 10, 22, 10, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, dueAt: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    if (target < this.current) throw new RangeError(`cannot move a clock back from ${this.current} to ${target}`);
    for (;;) {
      const next = this.earliestDue();
      if (next === undefined || next.dueAt > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }

  private earliestDue(): VirtualTimer | undefined {
    let earliest: VirtualTimer | undefined;
    for (const t of this.timers) if (earliest === undefined || t.dueAt < earliest.dueAt) earliest = t;
    return earliest;
  }
}
