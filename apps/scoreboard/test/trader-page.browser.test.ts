/**
 * A trader's own page (/trader/{team}/{name}) in Chromium, and its JSON twin:
 * its score and ranks, its last actions with their results and reasons —
 * an accepted feed, a refusal by the rules and a rejection with its reason —
 * and its plantation in flight with the time it pays.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('trader page browser tests');

describe.skipIf(!canRun)("a trader's page in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'trader-page', houseBots: 0 }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows its score, ranks, actions with reasons and plantation, as its JSON twin says', async () => {
    // A rival who fed more: ana is second in the game.
    const rival = await http(server, 'POST', API_PATHS.traders, { body: { team: 'RIVAL', name: 'rio' } });
    expect((await http(server, 'POST', API_PATHS.feedAction, { token: rival.body.token, body: { monkeys: 4 } })).body.status).toBe('ACCEPTED');
    const registered = await http(server, 'POST', API_PATHS.traders, { body: { team: 'SELF', name: 'ana' } });
    const token = registered.body.token as string;
    const act = (path: string, body: unknown) => http(server, 'POST', path, { token, body });
    expect((await act(API_PATHS.feedAction, { monkeys: 2, txnId: 'fed-two' })).body.status).toBe('ACCEPTED');
    expect((await act(API_PATHS.feedAction, { monkeys: 99, txnId: 'too-many' })).body.status).toBe('INSUFFICIENT_SHARES');
    expect((await act(API_PATHS.investAction, { invested: 2, txnId: 'planted' })).body.status).toBe('ACCEPTED');

    const twin = await http(server, 'GET', `${API_PATHS.traders}/SELF/ana`);
    expect(twin.status).toBe(200);
    expect(twin.body).toMatchObject({
      team: 'SELF',
      name: 'ana',
      score: 2,
      state: { fedMonkeys: 2 },
      rank: { game: 2, traders: 2, team: 1, teamTraders: 1 },
    });
    expect(twin.body.actions.map((a: { txnId: string; status: string }) => [a.txnId, a.status])).toEqual([
      ['planted', 'ACCEPTED'],
      ['too-many', 'INSUFFICIENT_SHARES'],
      ['fed-two', 'ACCEPTED'],
    ]);
    expect(twin.body.plantations).toEqual([{ invested: 2, dueAt: expect.any(String) }]);
    expect((await http(server, 'GET', `${API_PATHS.traders}/SELF/nobody`)).status).toBe(404);

    await page.goto(`${server.url}/trader/SELF/ana`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 10_000 });
    expect(page.url()).toContain('/trader/?team=SELF&name=ana');
    expect(await page.textContent('#title')).toBe('SELF/ana');
    expect(await page.textContent('#score')).toBe('2');
    expect(await page.textContent('#rank-game')).toBe('2 of 2');
    expect(await page.textContent('#rank-team')).toBe('1 of 1');
    const rows = await page.$$eval('#actions tr', (list) => list.map((row) => [...(row as HTMLTableRowElement).cells].map((c) => c.textContent)));
    expect(rows.map((r) => [r[4], r[2]])).toEqual([
      ['planted', 'ACCEPTED'],
      ['too-many', 'INSUFFICIENT_SHARES'],
      ['fed-two', 'ACCEPTED'],
    ]);
    expect(await page.textContent('#plantations')).toMatch(/^2\.00 coins, paying at /);
  });
});
