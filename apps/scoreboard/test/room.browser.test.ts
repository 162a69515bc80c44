/**
 * The big screen for a real room (issue #20): 60 traders in 16 teams, on a
 * 1920×1080 and a 1024×768 projector. Through `#on-screen` — the texts the
 * canvas draws at this moment, with their boxes — every trader shows within
 * one turn of the standings' pages, no text overlaps another, long names are
 * cut to fit, and the 16 teams wear 16 different colours, none of them the
 * price's up or down colour. Pages turn every 2 s here (`?rotate=2`); the
 * room's default is 6 s (5 pages of traders: 30 s ≤ 40 s).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { TEAM_PALETTE } from '../src/scene/team-palette.js';
import { COLORS, css } from '../src/scene/theme.js';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { overlaps, readOnScreen } from '../tools/on-screen.js';
import { ROOM_TEAMS } from '../tools/trader-crowd.js';
import { http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('scoreboard room-scale browser tests');

/** A room's 15 teams, one with a name too long for any column, and a 16th of wide letters. */
const TEAMS = [...ROOM_TEAMS.map((t) => (t === 'ORANGOUTAN' ? 'ORANGOUTAN_INTERNATIONAL_UNITED' : t)), 'WWWWWWWWWWWWWWWWWWWW'];
const TRADERS = 60;
const PAGE_SECONDS = 2;

/** A name as the board may draw it: whole, or cut with an ellipsis after a good part of it. */
function drawsName(line: string, name: string): boolean {
  return line === name || (line.endsWith('…') && line.length >= 6 && name.startsWith(line.slice(0, -1)));
}

describe.skipIf(!canRun)('the scoreboard with a room of 60 traders in 16 teams', () => {
  let server: RunningServer;
  let browser: Browser;
  const traders: { team: string; name: string }[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'room' }), launchChromium()]);
    for (let i = 0; i < TRADERS; i++) {
      const team = TEAMS[i % TEAMS.length];
      // Some long names, some of wide letters: they must be cut, never run into the next column.
      const name = i % 7 === 0 ? `${i}-the-very-long-trader-name` : i % 11 === 0 ? `${i}WWWWWWWWWWWWWWW` : `trader-${i}`;
      const registered = await http(server, 'POST', API_PATHS.traders, { body: { team, name } });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      traders.push({ team, name });
      // Distinct fed counts: 60 ranks, and monkey crowds of different sizes.
      const fed = await http(server, 'POST', API_PATHS.feedAction, { body: { monkeys: 1 + (i % 5) }, token: registered.body.token });
      expect(fed.body.status, JSON.stringify(fed.body)).toBe('ACCEPTED');
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of [
    { width: 1920, height: 1080 },
    { width: 1024, height: 768 },
  ]) {
    it(`shows every trader within one turn of the pages, no text over another, at ${viewport.width}×${viewport.height}`, async () => {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/?rotate=${PAGE_SECONDS}`);
      await page.waitForFunction(() => document.querySelectorAll('#traders-rows tr').length === 50, undefined, { timeout: 15_000 });
      // The whole canvas on the projector, scaled, not cropped.
      const canvas = await page.$eval('#game canvas', (c) => c.getBoundingClientRect().toJSON() as DOMRect);
      expect(canvas.x).toBeGreaterThanOrEqual(0);
      expect(canvas.y).toBeGreaterThanOrEqual(0);
      expect(canvas.x + canvas.width).toBeLessThanOrEqual(viewport.width + 1);
      expect(canvas.y + canvas.height).toBeLessThanOrEqual(viewport.height + 1);
      // …and as large as the projector allows: the full width (16:9 on a 4:3 projector is letterboxed, not shrunk further).
      expect(canvas.width).toBeGreaterThanOrEqual(viewport.width - 1);

      // One turn of the pages (5 of traders), and a second to be sure each was caught settled.
      const seen = new Set<string>();
      const pagesSettled = new Set<string>();
      const started = Date.now();
      while (pagesSettled.size < 5 && Date.now() - started < 6 * 5 * PAGE_SECONDS * 1000) {
        const drawn = await readOnScreen(page);
        for (const line of drawn) seen.add(line.text);
        const label = drawn.find((d) => /^\d+–\d+ of 60 · page \d\/5$/.test(d.text))?.text;
        // A settled page: all its 12 ranks drawn, no row fading in or out over another (a turn takes half a second).
        const first = Number(label?.split('–')[0]);
        const ranks = Array.from({ length: 12 }, (_, k) => String(first + k));
        const whole = label !== undefined && ranks.every((rank) => drawn.some((d) => d.text === rank && d.x > 1090));
        if (label !== undefined && whole && overlaps(drawn).length === 0) pagesSettled.add(label);
        await page.waitForTimeout(150);
      }
      expect([...pagesSettled].sort()).toEqual(
        ['1–12 of 60 · page 1/5', '13–24 of 60 · page 2/5', '25–36 of 60 · page 3/5', '37–48 of 60 · page 4/5', '49–60 of 60 · page 5/5'].sort(),
      );
      expect(Date.now() - started, 'one turn of the pages').toBeLessThan(40_000);
      const lines = [...seen];
      const missing = traders.filter((t) => !lines.some((line) => drawsName(line, t.name)));
      expect(missing, 'traders never drawn').toEqual([]);
      // Long names were cut to fit (the full name is in the accessible mirror).
      expect(lines.some((line) => /^\d+-the-very/.test(line) && line.endsWith('…'))).toBe(true);
      expect(await page.$$eval('#traders-rows td', (cells) => cells.some((c) => c.textContent === '0-the-very-long-trader-name'))).toBe(true);

      // Any moment with the board settled: nothing overlaps (checked across every page above), and the 16 teams
      // wear 16 colours of the palette, none the price's up or down colour.
      const teamColors = new Map<string, string>();
      await vi.waitFor(
        async () => {
          for (const line of await readOnScreen(page)) {
            const team = TEAMS.find((t) => drawsName(line.text, t) || line.text === t);
            if (team !== undefined && line.color !== '') teamColors.set(team, line.color);
          }
          expect(teamColors.size).toBe(16);
        },
        { timeout: 8 * 4 * PAGE_SECONDS * 1000, interval: 300 },
      );
      const colors = [...teamColors.values()];
      expect(new Set(colors).size).toBe(16);
      const palette = TEAM_PALETTE.map(css);
      for (const color of colors) expect(palette).toContain(color);
      expect(colors).not.toContain(css(COLORS.up));
      expect(colors).not.toContain(css(COLORS.down));
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
