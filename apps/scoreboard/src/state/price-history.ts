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

export interface PriceRange {
  readonly min: number;
  readonly max: number;
}

export class PriceHistory {
  private points: PricePoint[] = [];
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
