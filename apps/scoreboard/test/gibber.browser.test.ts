/**
 * The room's gibber page in Chromium on a phone-sized screen, against a real
 * game server: a gibb is posted and accepted, a too-long one cannot be sent,
 * and past the per-client limit the page shows the server's refusal and holds
 * the button with a countdown.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, PROTOCOL_LIMITS, type GibbSourcesView } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('gibber page browser tests');
const LIMIT = 2;

describe.skipIf(!canRun)('the gibber page in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startGameServer({ seed: 'gibber', env: { GIBBER_LIMIT: String(LIMIT), GIBBER_WINDOW_MS: '60000' } }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page.on('console', (message) => {
      // The refused POST is logged by Chromium as a failed resource; that is the test's point, not a page error.
      if (message.type() === 'error' && !/status of 429/.test(message.text())) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(`${server.url}${API_PATHS.gibberPage}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function gibb(text: string): Promise<void> {
    await page.fill('#gibb-text', text);
    await page.click('#send');
  }

  it('posts a gibb and shows it accepted', async () => {
    await expect(page.title()).resolves.toContain('gibber');
    await gibb('banana is great, I love #MKTD');
    await page.waitForFunction(() => document.getElementById('status')?.className === 'accepted', undefined, { timeout: 5000 });
    expect(await page.textContent('#status')).toMatch(/Gibbed!/);
    expect(await page.$$eval('#sent-list li', (items) => items.map((li) => li.textContent ?? ''))).toEqual([
      expect.stringContaining('banana is great, I love #MKTD'),
    ]);
    expect(await page.inputValue('#gibb-text')).toBe('');
    const sources = (await http(server, 'GET', API_PATHS.gibbSources)).body as GibbSourcesView;
    expect(sources.sources.find((source) => source.name === 'gibber')).toMatchObject({ live: true, published: 1 });
  });

  it('will not send a gibb longer than the limit', async () => {
    await page.fill('#gibb-text', 'b'.repeat(PROTOCOL_LIMITS.maxGibbLength + 1));
    expect(await page.textContent('#counter')).toBe(`${PROTOCOL_LIMITS.maxGibbLength + 1} / ${PROTOCOL_LIMITS.maxGibbLength}`);
    expect(await page.isDisabled('#send')).toBe(true);
    await page.fill('#gibb-text', '');
  });

  it('past the limit, shows the refusal and counts down before the next try', async () => {
    await gibb('second one, banana up');
    await page.waitForFunction(() => document.querySelectorAll('#sent-list li').length === 2, undefined, { timeout: 5000 });
    await gibb('third one is one too many');
    await page.waitForFunction(() => document.getElementById('status')?.className === 'refused', undefined, { timeout: 5000 });
    expect(await page.textContent('#status')).toMatch(new RegExp(`Too many gibbs: at most ${LIMIT} every 60 s from one device; try again in \\d+ s`));
    expect(await page.isDisabled('#send')).toBe(true);
    expect(await page.textContent('#send')).toMatch(/^Wait \d+ s$/);
    // Refused means not published: the server still counts two.
    const sources = (await http(server, 'GET', API_PATHS.gibbSources)).body as GibbSourcesView;
    expect(sources.sources.find((source) => source.name === 'gibber')).toMatchObject({ published: 2 });
    expect(await page.$$eval('#sent-list li', (items) => items.length)).toBe(2);
    expect(consoleErrors).toEqual([]);
  });
});
