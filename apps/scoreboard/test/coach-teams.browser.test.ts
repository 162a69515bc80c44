/**
 * The coach's printable join codes (/coach/teams) in Chromium, against a real
 * game server with REGISTRATION=codes: the admin token shows one card per
 * team with the code the server accepts; a wrong token shows the refusal.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('coach teams page browser tests');

describe.skipIf(!canRun)('the join codes page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'coach-teams', env: { REGISTRATION: 'codes' } }), launchChromium()]);
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the refusal for a wrong token, and no code', async () => {
    await page.goto(`${server.url}${API_PATHS.coachTeamsPage}`);
    await page.fill('#admin-token', 'not-the-admin-token');
    await page.click('#show');
    await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '') !== '', undefined, { timeout: 5000 });
    expect(await page.textContent('#status')).toBe('Authorization: the admin token is wrong');
    expect(await page.$$('.card')).toHaveLength(0);
  });

  it('prints one card per team with the code that registers a trader in it', async () => {
    const created = await http(server, 'POST', API_PATHS.teams, { token: ADMIN_TOKEN, body: { teams: ['ALOUATE', 'BONOBO'] } });
    expect(created.status).toBe(200);
    await page.goto(`${server.url}${API_PATHS.coachTeamsPage}`);
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#show');
    await page.waitForSelector('.card', { timeout: 5000 });
    const cards = await page.$$eval('.card', (elements) =>
      elements.map((e) => ({ team: e.querySelector('h2')?.textContent, code: e.querySelector('.code')?.textContent })),
    );
    expect(cards.map((c) => c.team)).toEqual(['ALOUATE', 'BONOBO']);
    expect(cards.map((c) => c.code)).toEqual(created.body.teams.map((t: { code: string }) => t.code));

    const bonobo = cards[1].code as string;
    expect((await http(server, 'POST', API_PATHS.traders, { body: { team: 'BONOBO', name: 'printed', code: bonobo } })).status).toBe(201);
    expect((await http(server, 'POST', API_PATHS.traders, { body: { team: 'ALOUATE', name: 'wrong', code: bonobo } })).status).toBe(403);
    // The tab remembers the token: a reload shows the cards again, with who joined.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.card .joined')[1]?.textContent === '1 trader(s) joined', undefined, {
      timeout: 5000,
    });
    expect(pageErrors).toEqual([]);
  });
});
