/**
 * Reading `#on-screen` from a page (see src/dom/on-screen.ts): the texts the
 * canvas draws now with their boxes on the 1920×1080 design and colours.
 * Shared by the layout tests and the screenshot tool, which waits for a
 * moment when no row is gliding over another.
 */
import type { Page } from 'playwright-core';
import type { OnScreenText } from '../src/dom/on-screen.js';

export type DrawnText = OnScreenText;

export function readOnScreen(page: Page): Promise<DrawnText[]> {
  return page.$$eval('#on-screen li', (items) =>
    items.map((item) => {
      const [x, y, width, height] = ((item as HTMLElement).dataset.bounds ?? '').split(',').map(Number);
      return { text: item.textContent ?? '', x, y, width, height, color: (item as HTMLElement).dataset.color ?? '' };
    }),
  );
}

/** Pairs of drawn texts whose boxes intersect (1 px of anti-aliasing allowed), described for a failure message. */
export function overlaps(drawn: readonly DrawnText[]): string[] {
  const found: string[] = [];
  const box = (d: DrawnText) => `"${d.text}" [${d.x},${d.y},${d.width},${d.height}]`;
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      const a = drawn[i];
      const b = drawn[j];
      const across = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const down = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (across > 1 && down > 1) found.push(`${box(a)} × ${box(b)}`);
    }
  }
  return found;
}
