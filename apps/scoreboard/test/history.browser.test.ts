/**
 * History on reload (issue #20): a screen opened in the middle of a game gets
 * the feed's recent past in its welcome — the chart's last minutes and the
 * ticker's gibbs with their hype marks — and so draws at once what a screen
 * open all along shows, before any new tick or gibb.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('scoreboard history browser tests');

describe.skipIf(!canRun)('a screen opened in the middle of a game', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'history', tickMs: 100 }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the recent prices and gibbs with their hype marks at once', async () => {
    const stamp = Date.now().toString(36);
    for (const text of [`bananas are great, buy #MKTD ${stamp}`, `lunch at noon ${stamp}`]) {
      expect((await http(server, 'POST', API_PATHS.gibbs, { token: ADMIN_TOKEN, body: { text } })).status).toBe(202);
    }
    // The server's feed has carried some 30 ticks and both gibbs.
    const history = await vi.waitFor(
      async () => {
        const found = (await http(server, 'GET', API_PATHS.history)).body as {
          prices: { tick: number }[];
          gibbs: unknown[];
          events: { type: string }[];
        };
        expect(found.prices.length).toBeGreaterThanOrEqual(30);
        expect(found.gibbs).toHaveLength(2);
        expect(found.events.some((e) => e.type === 'HYPE_CHANGED')).toBe(true);
        return found;
      },
      { timeout: 15_000, interval: 200 },
    );
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 10_000 });
    // Right away: the chart from the history's first ticks (it keeps a point per 500 ms: 5 minutes in 600),
    // not from the snapshot's tick; the two gibbs; the hype mark on the good one.
    const chart = await page.textContent('#history-text');
    const since = Number(/since tick (\d+)/.exec(chart ?? '')?.[1]);
    expect(since).toBeLessThanOrEqual(history.prices[0].tick + 5);
    expect(Number(/(\d+) points/.exec(chart ?? '')?.[1])).toBeGreaterThanOrEqual(5);
    const gibbs = await page.$$eval('#gibbs-list li', (items) => items.map((li) => li.textContent ?? ''));
    expect(gibbs).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`great, buy #MKTD ${stamp}.*\\(hype \\+\\d`)), `lunch at noon ${stamp} (no hype)`]),
    );
  });
});
