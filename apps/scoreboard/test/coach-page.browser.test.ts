/**
 * The coach's page (/coach/) in Chromium against a real game server in its
 * lobby (GAME_START=manual, GAME_DURATION): the admin token opens it; start,
 * pause, resume, extend and end drive the game as the REST API reports it;
 * the reset needs RESET typed; revoke removes a trader; and the QR codes, read
 * back from the page's pixels, decode to the URLs the page advertises.
 */
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { formatRemaining } from '../src/format.js';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('coach page browser tests');

describe.skipIf(!canRun)("the coach's page in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startGameServer({ seed: 'coach-page', env: { GAME_START: 'manual', GAME_DURATION: '30m' } }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const market = async () => (await http(server, 'GET', API_PATHS.market)).body as { status: string; remainingMs: number | null };
  const shows = (id: string, text: string) =>
    page.waitForFunction(([i, t]) => document.getElementById(i)?.textContent === t, [id, text] as const, { timeout: 5000 });

  it('refuses a wrong token and opens with the right one, the game in its lobby', async () => {
    await page.goto(`${server.url}${API_PATHS.coachPage}`);
    await page.fill('#admin-token', 'not-the-admin-token');
    await page.click('#sign-in');
    await shows('status', 'Authorization: the admin token is wrong');
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#sign-in');
    await shows('game-status', 'lobby');
    await shows('time-left', '30:00');
    expect(await page.isDisabled('#pause')).toBe(true);
  });

  it('starts, pauses, resumes, extends and ends the game, as the API reports it', async () => {
    await page.click('#start');
    await shows('game-status', 'running');
    expect((await market()).status).toBe('running');
    await page.click('#pause');
    await shows('game-status', 'paused');
    expect((await market()).status).toBe('paused');
    const before = (await market()).remainingMs ?? 0;
    await page.fill('#extend-minutes', '5');
    await page.click('#extend');
    // Paused, the time left stands still: five minutes more, to the millisecond, and shown so.
    await shows('time-left', formatRemaining(before + 5 * 60_000));
    expect((await market()).remainingMs).toBe(before + 5 * 60_000);
    await page.click('#resume');
    await shows('game-status', 'running');

    // A reset needs the word typed first.
    expect(await page.isDisabled('#reset')).toBe(true);
    await page.fill('#reset-confirm', 'reset');
    expect(await page.isDisabled('#reset')).toBe(true);
    await page.fill('#reset-confirm', 'RESET');
    expect(await page.isDisabled('#reset')).toBe(false);

    await page.click('#end');
    await shows('game-status', 'ended');
    expect((await market()).status).toBe('ended');
    await shows('time-left', '0:00');
  });

  it('revokes a trader: its token stops working', async () => {
    const registered = await http(server, 'POST', API_PATHS.traders, { body: { team: 'COACHED', name: 'cheater' } });
    expect(registered.status).toBe(201);
    await page.waitForSelector('#traders .revoke', { timeout: 5000 });
    await page.click('#traders .revoke');
    await page.waitForFunction(() => document.querySelector('#traders tr td:last-child')?.textContent === 'removed', undefined, { timeout: 5000 });
    const refused = await http(server, 'POST', API_PATHS.feedAction, { token: registered.body.token, body: { monkeys: 1 } });
    expect(refused.status).toBe(401);
  });

  it('shows the join and gibber URLs as QR codes that decode to them', async () => {
    for (const id of ['join', 'gibber']) {
      const url = await page.textContent(`#${id}-url`);
      expect(url).toMatch(/^http:\/\/\S+:\d+/);
      const png = PNG.sync.read(await page.locator(`#${id}-qr`).screenshot());
      const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      expect(decoded?.data, id).toBe(url);
    }
    const room = (await http(server, 'GET', API_PATHS.room)).body as { join: string[]; gibber: string };
    expect(await page.textContent('#join-url')).toBe(room.join[0]);
    expect(await page.textContent('#gibber-url')).toBe(room.gibber);
    expect(pageErrors).toEqual([]);
  });
});
