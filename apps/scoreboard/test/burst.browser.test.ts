/**
 * Events that do not hide the market (issue #20): while a bubble burst is in
 * progress its banner shows over the monkeys' panel, never over the price
 * chart or the standings, and the chart itself marks where the burst struck;
 * a paused game's strip covers the gibbs ticker only, so every panel's
 * header stays readable. Checked through `#on-screen`, the texts the canvas
 * draws with their boxes. The rules make the first hyped gibb burst the
 * bubble (GAME_RULES), so the test need not wait for luck.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { LAYOUT, type Rect } from '../src/scene/theme.js';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { readOnScreen, type DrawnText } from '../tools/on-screen.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('scoreboard burst layout browser tests');

const inside = (d: DrawnText, r: Rect) => d.x >= r.x && d.y >= r.y && d.x + d.width <= r.x + r.width && d.y + d.height <= r.y + r.height;
const crosses = (d: DrawnText, r: Rect) =>
  Math.min(d.x + d.width, r.x + r.width) > Math.max(d.x, r.x) && Math.min(d.y + d.height, r.y + r.height) > Math.max(d.y, r.y);

describe.skipIf(!canRun)('a bubble burst and a pause on the big screen', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startGameServer({ seed: 'burst-layout', env: { GAME_RULES: JSON.stringify({ burstProbabilityPerHype: 100, burstStepMs: 2000 }) } }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the burst over the monkeys, marks it on the chart, and leaves the price and standings in view', async () => {
    const gibb = await http(server, 'POST', API_PATHS.gibbs, { token: ADMIN_TOKEN, body: { text: 'bananas are great great great, buy buy #MKTD' } });
    expect(gibb.status).toBe(202);
    const drawn = await vi.waitFor(
      async () => {
        const now = await readOnScreen(page);
        expect(now.map((d) => d.text)).toContain('BUBBLE BURST!');
        expect(now.map((d) => d.text)).toContain('BURST');
        return now;
      },
      { timeout: 15_000, interval: 100 },
    );
    const banner = drawn.filter((d) => d.text === 'BUBBLE BURST!' || /^(the hype deflates|step \d)/.test(d.text));
    expect(banner.length).toBe(2);
    for (const text of banner) {
      expect(inside(text, LAYOUT.monkeys), `${text.text} over the monkeys' panel`).toBe(true);
      for (const rect of [LAYOUT.price, LAYOUT.traders, LAYOUT.teams])
        expect(crosses(text, rect), `${text.text} off the chart and standings`).toBe(false);
    }
    // The chart's own mark, inside the price panel; the price itself drawn beside it.
    const mark = drawn.find((d) => d.text === 'BURST');
    expect(mark !== undefined && inside(mark, LAYOUT.price)).toBe(true);
    expect(drawn.some((d) => /^\d+\.\d+$/.test(d.text) && inside(d, LAYOUT.price))).toBe(true);
    // Nothing drawn over the chart's panel but the chart's own texts.
    const overChart = drawn.filter((d) => crosses(d, LAYOUT.price) && !inside(d, LAYOUT.price));
    expect(overChart).toEqual([]);
  });

  it('keeps every panel header readable while the game is paused', async () => {
    expect((await http(server, 'POST', API_PATHS.pause, { token: ADMIN_TOKEN })).status).toBe(200);
    const drawn = await vi.waitFor(
      async () => {
        const now = await readOnScreen(page);
        expect(now.map((d) => d.text)).toContain('GAME PAUSED — the market is waiting for the coach');
        return now;
      },
      { timeout: 10_000, interval: 100 },
    );
    const strip = drawn.find((d) => d.text.startsWith('GAME PAUSED —'))!;
    expect(inside(strip, LAYOUT.ticker)).toBe(true);
    for (const title of ['TRADERS', 'TEAMS', 'MONKEYS FED', 'BANANA SHARE PRICE · coins per share']) {
      const header = drawn.find((d) => d.text === title);
      expect(header, `${title} drawn`).toBeDefined();
      expect(crosses(header!, { x: strip.x, y: strip.y, width: strip.width, height: strip.height })).toBe(false);
    }
  });
});
