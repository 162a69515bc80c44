/**
 * The standings of a room (60 traders, 16 teams) do not fit on one screen:
 * they show in pages that turn by themselves, every page as long as the
 * others, so everyone finds themselves within one turn of the pages.
 */
export interface Page {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
  /** The items shown: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly total: number;
}

/** The page shown at `nowMs` of a rotation through `total` items, `size` a page, each page `periodMs` long. */
export function pageAt(total: number, size: number, nowMs: number, periodMs: number): Page {
  const count = Math.max(1, Math.ceil(total / size));
  const index = count === 1 ? 0 : Math.floor(Math.max(0, nowMs) / periodMs) % count;
  return { index, count, start: index * size, end: Math.min(total, (index + 1) * size), total };
}

/** The page's label for the panel's title row: `13–24 of 60 · page 2/5`; empty when one page holds everything. */
export function pageLabel(page: Page): string {
  if (page.count === 1) return '';
  return `${page.start + 1}–${page.end} of ${page.total} · page ${page.index + 1}/${page.count}`;
}

/** How long each page shows: `?rotate=SECONDS` on the page's address, else the default. */
export function rotationPeriodMs(param: string | null, defaultMs: number): number {
  const seconds = param === null ? Number.NaN : Number(param);
  return Number.isFinite(seconds) && seconds >= 1 && seconds <= 600 ? seconds * 1000 : defaultMs;
}

/** Which page of a list shows: set the list, then ask each frame whether the page turned. */
export class PageTurner<T> {
  private list: readonly T[] = [];
  private shown: Page = { index: 0, count: 1, start: 0, end: 0, total: 0 };

  constructor(
    private readonly size: number,
    private readonly periodMs: number,
  ) {}

  get page(): Page {
    return this.shown;
  }

  /** The items of the page on show. */
  get items(): readonly T[] {
    return this.list.slice(this.shown.start, this.shown.end);
  }

  get all(): readonly T[] {
    return this.list;
  }

  /** A new list (the standings changed): the page at `nowMs` of it. */
  set(list: readonly T[], nowMs: number): Page {
    this.list = list;
    this.shown = pageAt(list.length, this.size, nowMs, this.periodMs);
    return this.shown;
  }

  /** Whether the page turned since the last call (each frame asks). */
  turned(nowMs: number): boolean {
    const page = pageAt(this.list.length, this.size, nowMs, this.periodMs);
    if (page.index === this.shown.index) return false;
    this.shown = page;
    return true;
  }
}
