/**
 * The last minutes of prices for the chart. Points closer together than the
 * chart can show are merged (the newest wins), so a fast tick cannot grow
 * the line much past `maxPoints` nor shrink the time window it covers.
 */
export interface PricePoint {
  /** Game time of the tick, ms since the epoch. */
  readonly time: number;
  readonly tick: number;
  readonly price: number;
  /** The EMA the forecast is made of: forecast × price. */
  readonly ema: number;
}

/** A step of a bubble burst on the chart: the line shows where the burst struck. */
export interface BurstMark {
  /** Game time of the step, ms since the epoch. */
  readonly time: number;
  /** 0 for the burst's start, then 1…steps. */
  readonly step: number;
  readonly steps: number;
}

export interface PriceRange {
  readonly min: number;
  readonly max: number;
}

export class PriceHistory {
  private points: PricePoint[] = [];
  private burstMarks: BurstMark[] = [];
  private readonly minSpacingMs: number;

  constructor(
    readonly windowMs = 5 * 60_000,
    readonly maxPoints = 600,
  ) {
    this.minSpacingMs = windowMs / maxPoints;
  }

  get all(): readonly PricePoint[] {
    return this.points;
  }

  get latest(): PricePoint | undefined {
    return this.points[this.points.length - 1];
  }

  /** Adds a tick; an older or repeated tick (a replay after a reconnect) is ignored. Returns whether it was kept. */
  add(point: PricePoint): boolean {
    const last = this.latest;
    if (last !== undefined && point.tick <= last.tick) return false;
    // The newest point is provisional: while it sits closer than the spacing to the one before, the next tick replaces it.
    const beforeLast = this.points[this.points.length - 2];
    if (last !== undefined && beforeLast !== undefined && last.time - beforeLast.time < this.minSpacingMs) {
      this.points[this.points.length - 1] = point;
    } else {
      this.points.push(point);
    }
    const oldest = point.time - this.windowMs;
    let drop = 0;
    while (drop < this.points.length - 1 && this.points[drop].time < oldest) drop++;
    if (drop > 0) this.points.splice(0, drop);
    return true;
  }

  clear(): void {
    this.points = [];
    this.burstMarks = [];
  }

  /** The burst steps within the chart's window, oldest first. */
  get bursts(): readonly BurstMark[] {
    return this.burstMarks;
  }

  /** Marks a burst's step; a step already marked (the same event from the history and live) is ignored. Returns whether it was kept. */
  markBurst(mark: BurstMark): boolean {
    if (this.burstMarks.some((m) => m.time === mark.time && m.step === mark.step)) return false;
    this.burstMarks.push(mark);
    this.burstMarks.sort((a, b) => a.time - b.time);
    const oldest = (this.latest?.time ?? mark.time) - this.windowMs;
    this.burstMarks = this.burstMarks.filter((m) => m.time >= oldest);
    return true;
  }

  /** Lowest and highest of price and EMA over the window, padded so a flat line sits mid-chart. */
  range(minSpanRatio = 0.02): PriceRange | undefined {
    if (this.points.length === 0) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const p of this.points) {
      min = Math.min(min, p.price, p.ema);
      max = Math.max(max, p.price, p.ema);
    }
    const minSpan = Math.max(max * minSpanRatio, 1e-6);
    const pad = Math.max((max - min) * 0.1, (minSpan - (max - min)) / 2, 0);
    return { min: Math.max(0, min - pad), max: max + pad };
  }
}
