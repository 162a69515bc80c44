/**
 * The scoreboard as the room sees it: the built page, served by a real game
 * server, in Debian's Chromium. One browser for the whole file; the tests run
 * in order on one page, as one spectator's evening would.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { COLORS } from '../src/scene/theme.js';
import { canvasPixels } from './support/canvas-pixels.js';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('scoreboard browser tests');

/** Text of the accessible mirror's trader rows: [rank, team, name, score, fed, bailouts]. */
function traderRows(page: Page): Promise<string[][]> {
  return page.$$eval('#traders-rows tr', (rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent ?? '')));
}

async function registerAndFeed(server: RunningServer, team: string, name: string, monkeys: number): Promise<void> {
  const registered = await http(server, 'POST', API_PATHS.traders, { body: { team, name } });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const fed = await http(server, 'POST', API_PATHS.feedAction, { body: { monkeys }, token: registered.body.token });
  expect(fed.status, JSON.stringify(fed.body)).toBe(200);
  expect(fed.body.status).toBe('ACCEPTED');
}

describe.skipIf(!canRun)('the scoreboard page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'before-restart' }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads with no console errors, goes live and draws the board on the canvas', async () => {
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /Banana share price \d+\.\d+ coins/.test(document.getElementById('price-text')?.textContent ?? ''), undefined, {
      timeout: 5000,
    });
    const pixels = await canvasPixels(page, [COLORS.banana, COLORS.panel]);
    expect(pixels.width).toBeGreaterThan(600);
    // A blank or failed canvas has one colour; the board has text, panels, a chart and art.
    expect(pixels.distinctColors).toBeGreaterThan(40);
    expect(pixels.shares[0], 'banana-yellow pixels (title, price line)').toBeGreaterThan(0.002);
    expect(pixels.shares[1], 'panel pixels').toBeGreaterThan(0.2);
    expect(consoleErrors).toEqual([]);
  });

  it('shows a trader who registers and feeds over HTTP on the leaderboard within 2 s', async () => {
    await registerAndFeed(server, 'GORILLA', 'koko', 2);
    const fedAt = Date.now();
    await page.waitForFunction(() => [...document.querySelectorAll('#traders-rows tr')].some((row) => row.textContent?.includes('koko')), undefined, {
      timeout: 2000,
    });
    console.log(`trader on the leaderboard ${Date.now() - fedAt} ms after the feed answered`);
    expect(await traderRows(page)).toContainEqual(['1', 'GORILLA', 'koko', '2', '2', '0']);
    expect(await page.$$eval('#teams-rows tr', (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[1].textContent))).toContain('GORILLA');
  });

  it('puts posted gibbs on the ticker, marked by their hype effect', async () => {
    const stamp = Date.now().toString(36);
    const good = `bananas are great, buy buy #MKTD ${stamp}`;
    const bad = `banana bubble about to burst ${stamp}`;
    const neutral = `lunch at noon ${stamp}`;
    for (const text of [good, bad, neutral]) expect((await http(server, 'POST', API_PATHS.gibbs, { body: { text } })).status).toBe(202);
    const items = async () => page.$$eval('#gibbs-list li', (list) => list.map((li) => li.textContent ?? ''));
    await page.waitForFunction((n) => document.querySelectorAll('#gibbs-list li').length >= n, 3, { timeout: 5000 });
    // The hype marks follow the gibbs (they come from the engine's HYPE_CHANGED events).
    await expect
      .poll(items, { timeout: 5000 })
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${good}.*\\(hype \\+\\d`)),
          expect.stringMatching(new RegExp(`^${bad}.*\\(hype −\\d`)),
          `${neutral} (no hype)`,
        ]),
      );
    expect(consoleErrors).toEqual([]);
  });

  it('reconnects by itself after the server restarts and shows the new game', async () => {
    const port = server.port;
    await server.close();
    await page.waitForFunction(() => /Connection lost/.test(document.getElementById('connection-text')?.textContent ?? ''), undefined, {
      timeout: 10_000,
    });
    server = await startGameServer({ port, seed: 'after-restart' });
    await registerAndFeed(server, 'CHIMP', 'bobo', 3);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 15_000 });
    // The new server's board, not the old one's: koko is gone, bobo is there.
    await expect.poll(() => traderRows(page), { timeout: 5000 }).toEqual([['1', 'CHIMP', 'bobo', '3', '3', '0']]);
    const market = await http(server, 'GET', API_PATHS.market);
    const shown = await page.textContent('#price-text');
    expect(shown).toMatch(/Banana share price \d+\.\d+ coins/);
    expect(market.body.status).toBe('running');
  });
});
