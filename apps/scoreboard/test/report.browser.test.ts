/**
 * The post-game report (/report/) in Chromium for a game of ten bots
 * (with rules that make bursts and bailouts come early): every chart is drawn
 * with data, and the per-trader table matches GET /api/standings.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('report browser tests');
/** A burst at the first hype change; a bailout for any trader left with 10 coins or fewer and 5 shares or fewer after an action. */
const EARLY_EVENTS = JSON.stringify({ burstProbabilityPerHype: 40, bailoutMaxCoins: 10, bailoutMaxShares: 5 });

describe.skipIf(!canRun)('the report page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startGameServer({ seed: 'report', tickMs: 50, houseBots: 9, env: { GAME_RULES: EARLY_EVENTS } }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Ten bots: nine house bots, and one of ours that feeds a monkey (a share) at once and is bailed out.
    const broke = await http(server, 'POST', API_PATHS.traders, { body: { team: 'REPORT', name: 'broke' } });
    expect((await http(server, 'POST', API_PATHS.feedAction, { token: broke.body.token, body: { monkeys: 1 } })).body.status).toBe('ACCEPTED');
    // Hype for a burst.
    await vi.waitFor(
      async () => {
        await http(server, 'POST', API_PATHS.gibbs, { token: ADMIN_TOKEN, body: { text: 'banana great buy buy #MKTD' } });
        const report = (await http(server, 'GET', API_PATHS.report)).body as { bursts: unknown[]; bailouts: unknown[]; traders: unknown[] };
        expect(report.bursts.length).toBeGreaterThan(0);
        expect(report.bailouts.length).toBeGreaterThan(0);
        expect(report.traders).toHaveLength(10);
      },
      { timeout: 30_000, interval: 500 },
    );
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws every chart with data', async () => {
    await page.goto(`${server.url}${API_PATHS.reportPage}`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 10_000 });
    for (const id of ['scores-chart', 'price-chart', 'bailouts-chart']) {
      const painted = await page.$eval(`#${id}`, (canvas) => {
        const c = canvas as HTMLCanvasElement;
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let colored = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && !(data[i] === data[i + 1] && data[i + 1] === data[i + 2])) colored++;
        return colored;
      });
      expect(painted, `${id}: coloured pixels (lines, points)`).toBeGreaterThan(200);
    }
    expect(await page.textContent('#summary')).toMatch(/10 trader\(s\) · [1-9]\d* burst\(s\) · [1-9]\d* bailout\(s\)/);
    expect(pageErrors).toEqual([]);
  });

  it('lists every trader as GET /api/standings ranks them, with their score, fed monkeys and bailouts', async () => {
    // The game stops moving: the table and the standings are read at the same moment.
    expect((await http(server, 'POST', API_PATHS.end, { token: ADMIN_TOKEN })).status).toBe(200);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 10_000 });
    const rows = await page.$$eval('#traders tr', (list) =>
      list.map((row) => [...(row as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')),
    );
    const standings = (await http(server, 'GET', API_PATHS.standings)).body as {
      traders: { team: string; name: string; score: number; fedMonkeys: number; bailouts: number }[];
    };
    expect(rows.map((r) => r.slice(1, 6))).toEqual(
      standings.traders.map((t) => [t.team, t.name, String(t.score), String(t.fedMonkeys), String(t.bailouts)]),
    );
    expect(rows.some((r) => Number(r[6]) > 0)).toBe(true);
  });
});
