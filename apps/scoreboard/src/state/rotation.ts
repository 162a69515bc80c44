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
