/**
 * The ending on the big screen, in Chromium against a real game server with a
 * short GAME_DURATION: the last minute is counted down large, and when the
 * game ends a podium — the top three teams and traders with their scores, as
 * GET /api/standings ranks them — covers the board, after a reload too, until
 * the next game.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { COLORS } from '../src/scene/theme.js';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { canvasPixels } from './support/canvas-pixels.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('scoreboard ending browser tests');

describe.skipIf(!canRun)('the ending in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'ending', env: { GAME_DURATION: '50s' } }), launchChromium()]);
    // Four teams, fed apart so that the podium's order is known.
    for (const [team, name, monkeys] of [
      ['GORILLA', 'koko', 4],
      ['CHIMP', 'bobo', 3],
      ['BONOBO', 'kanzi', 2],
      ['MACAQUE', 'momo', 1],
    ] as const) {
      const registered = await http(server, 'POST', API_PATHS.traders, { body: { team, name } });
      expect(registered.status).toBe(201);
      const fed = await http(server, 'POST', API_PATHS.feedAction, { token: registered.body.token, body: { monkeys } });
      expect(fed.body.status).toBe('ACCEPTED');
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('counts the last minute down, large', async () => {
    await page.waitForFunction(() => /^the game ends in 0:[0-5]\d$/.test(document.getElementById('countdown-text')?.textContent ?? ''), undefined, {
      timeout: 5000,
    });
    const shown = await page.textContent('#countdown-text');
    const remainingMs = ((await http(server, 'GET', API_PATHS.market)).body as { remainingMs: number }).remainingMs;
    const [minutes, seconds] = (shown ?? '').replace('the game ends in ', '').split(':').map(Number);
    expect(Math.abs(minutes * 60 + seconds - remainingMs / 1000)).toBeLessThan(3);
    // 200-pixel figures in the alert colour.
    expect((await canvasPixels(page, [COLORS.alert])).shares[0]).toBeGreaterThan(0.005);
  });

  it('shows the podium at the end, with the names and scores of the standings, and keeps it', async () => {
    expect((await http(server, 'POST', API_PATHS.end, { token: ADMIN_TOKEN })).status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('#podium-list li').length === 6, undefined, { timeout: 5000 });
    const standings = (await http(server, 'GET', API_PATHS.standings)).body as {
      teams: { team: string; score: number }[];
      traders: { team: string; name: string; score: number }[];
    };
    expect(standings.teams.slice(0, 3).map((t) => t.team)).toEqual(['GORILLA', 'CHIMP', 'BONOBO']);
    const podium = await page.$$eval('#podium-list li', (items) => items.map((li) => li.textContent));
    expect(podium).toEqual([
      ...standings.teams.slice(0, 3).map((t, i) => `team ${i + 1}. ${t.team} ${t.score}`),
      ...standings.traders.slice(0, 3).map((t, i) => `trader ${i + 1}. ${t.team}/${t.name} ${t.score}`),
    ]);
    expect(await page.textContent('#countdown-text')).toBe('');
    // The podium's shade covers the panels.
    const pixels = await canvasPixels(page, [COLORS.panel, COLORS.banana]);
    expect(pixels.shares[0], 'panel pixels left uncovered').toBeLessThan(0.05);
    expect(pixels.shares[1], 'the title and the first places in banana yellow').toBeGreaterThan(0.002);
    // It stays: a screen reloaded after the end shows it too; a reset (the next game) takes it away.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#podium-list li').length === 6, undefined, { timeout: 10_000 });
    expect((await http(server, 'POST', API_PATHS.reset, { token: ADMIN_TOKEN })).status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('#podium-list li').length === 0, undefined, { timeout: 5000 });
    expect(pageErrors).toEqual([]);
  });
});
