/**
 * Reads what the canvas really shows: a screenshot of it (the browser's own
 * compositing, WebGL or not), decoded back into pixels by the browser.
 */
import type { Page } from 'playwright-core';

export interface CanvasPixels {
  readonly width: number;
  readonly height: number;
  /** Distinct colours, with each channel rounded to 16 levels. */
  readonly distinctColors: number;
  /** Share of pixels close to the given colours (e.g. banana yellow), in the same order. */
  readonly shares: number[];
}

export async function canvasPixels(page: Page, colors: readonly number[]): Promise<CanvasPixels> {
  const png = await page.locator('canvas').screenshot();
  return page.evaluate(
    async ({ base64, colors }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const distinct = new Set<number>();
      const near = colors.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        distinct.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
        colors.forEach((c, k) => {
          if (Math.abs(r - (c >> 16)) + Math.abs(g - ((c >> 8) & 255)) + Math.abs(b - (c & 255)) < 40) near[k]++;
        });
      }
      const pixels = data.length / 4;
      return { width: bitmap.width, height: bitmap.height, distinctColors: distinct.size, shares: near.map((n) => n / pixels) };
    },
    { base64: png.toString('base64'), colors: [...colors] },
  );
}
