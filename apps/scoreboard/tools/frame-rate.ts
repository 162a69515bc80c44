/**
 * Frames the page really paints, counted with requestAnimationFrame inside
 * the page over a window of wall time, with the frame-time distribution.
 */
import type { Page } from 'playwright-core';

export interface FrameRate {
  readonly fps: number;
  readonly frames: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Frames that took longer than two 60 Hz frames: what the eye sees as a stutter. */
  readonly longFrames: number;
}

// Sent as source text: tsx's transform would add helpers to a function that the page does not have.
const COUNT_FRAMES = `(duration) => new Promise((resolve) => {
  const gaps = [];
  let first = 0;
  let last = 0;
  const frame = (now) => {
    if (first === 0) first = now;
    else gaps.push(now - last);
    last = now;
    if (now - first < duration) return requestAnimationFrame(frame);
    const sorted = [...gaps].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const seconds = (last - first) / 1000;
    resolve({
      fps: gaps.length / seconds,
      frames: gaps.length,
      seconds,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      p99Ms: at(0.99),
      maxMs: sorted[sorted.length - 1] ?? 0,
      longFrames: gaps.filter((g) => g > 2 * (1000 / 60) + 1).length,
    });
  };
  requestAnimationFrame(frame);
})`;

export function measureFrameRate(page: Page, durationMs: number): Promise<FrameRate> {
  return page.evaluate(`(${COUNT_FRAMES})(${Number(durationMs)})`) as Promise<FrameRate>;
}
