/**
 * The morning's room progress board (issue #22, item 3): 30 participants
 * report their chapter tables as `npm run exercises -- --report` does (POST
 * /api/morning/reports), and /coach/morning in Chromium shows the right grid
 * — passed, failing with what each is stuck on, not run — and the chapter
 * the room is stuck on most, and shows a new report within 2 s.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS, type ExercisesReport } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('morning board browser tests');
const TITLES = [
  'A first app',
  'Stateless operations',
  'Branching and merging',
  'Grouping and aggregating',
  'Tumbling windows',
  'Hopping and sliding windows',
];

/** Participant i has passed chapters below i % 6, fails chapter i % 6 (unless 0 … 5 are all behind it), and has not run the rest. */
function reportOf(i: number, allDone = false): ExercisesReport {
  const reached = allDone ? TITLES.length : i % TITLES.length;
  const participant = `p${String(i).padStart(2, '0')}`;
  return {
    participant,
    chapters: TITLES.slice(0, Math.min(TITLES.length, reached + 1)).map((title, chapter) =>
      chapter < reached
        ? { chapter, title, passed: 3, failed: 0, next: 'done' }
        : { chapter, title, passed: 1, failed: 2, next: `make this pass: rule ${chapter} of ${participant}` },
    ),
  };
}

function grid(page: Page): Promise<Record<string, string[]>> {
  return page.$$eval('#rows tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => [(r as HTMLElement).dataset.participant ?? '', [...(r as HTMLTableRowElement).cells].slice(1).map((c) => c.textContent ?? '')]),
    ),
  );
}

describe.skipIf(!canRun)('the morning board at /coach/morning', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startGameServer({ seed: 'morning' }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows 30 participants × the chapters, what each is stuck on, and where the room is stuck', async () => {
    for (let i = 1; i <= 30; i++) {
      const posted = await http(server, 'POST', API_PATHS.morningReports, { body: reportOf(i) });
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    }
    await page.goto(`${server.url}${API_PATHS.coachMorningPage}`);
    const rows = await vi.waitFor(
      async () => {
        const found = await grid(page);
        expect(Object.keys(found)).toHaveLength(30);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    // p07: 7 % 6 = 1 → chapter 00 passed, 01 failing, 02–05 not run; stuck on 01.
    expect(rows.p07).toEqual(['✔', '1/3', '·', '·', '·', '·', '01: make this pass: rule 1 of p07']);
    // p12: 12 % 6 = 0 → failing the first chapter.
    expect(rows.p12).toEqual(['1/3', '·', '·', '·', '·', '·', '00: make this pass: rule 0 of p12']);
    const heads = await page.$$eval('#head th', (cells) => cells.map((c) => c.textContent));
    expect(heads).toEqual(['participant', '00', '01', '02', '03', '04', '05', 'stuck on']);
    // Every chapter is failed by 5 participants: the earliest wins the tie.
    expect(await page.textContent('#stuck')).toBe('The room is stuck on chapter 00 — A first app (5 failing)');
    const passedPerChapter = await page.$$eval('#foot td', (cells) => cells.slice(1, 7).map((c) => c.textContent));
    expect(passedPerChapter).toEqual(['25', '20', '15', '10', '5', '0']);
    expect(await page.getAttribute('#rows tr[data-participant="p07"] td.failing', 'title')).toBe('make this pass: rule 1 of p07');
  });

  it("shows a participant's new report within 2 s, the last report winning", async () => {
    const before = Date.now();
    expect((await http(server, 'POST', API_PATHS.morningReports, { body: reportOf(7, true) })).status).toBe(202);
    await vi.waitFor(
      async () => {
        const rows = await grid(page);
        expect(rows.p07).toEqual(['✔', '✔', '✔', '✔', '✔', '✔', 'all done']);
        expect(Object.keys(rows)).toHaveLength(30);
        // The newest report first.
        expect(Object.keys(rows)[0]).toBe('p07');
      },
      { timeout: 5000, interval: 50 },
    );
    expect(Date.now() - before).toBeLessThan(2000);
  });

  it('refuses a malformed report naming the field, and changes nothing', async () => {
    const bad = await http(server, 'POST', API_PATHS.morningReports, {
      body: { participant: 'p99', chapters: [{ chapter: 'x', title: 'A', passed: -1, failed: 0 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      'chapters.0.chapter: expected a chapter number, got the string "x"; chapters.0.passed: expected a number of tests, got -1',
    );
    const board = (await http(server, 'GET', API_PATHS.morningBoard)).body as { participants: unknown[] };
    expect(board.participants).toHaveLength(30);
  });
});

describe.skipIf(!canRun)('the morning board turned off', () => {
  it('refuses reports and the grid with EXERCISES_REPORTS=off', async () => {
    const server = await startGameServer({ seed: 'morning-off', env: { EXERCISES_REPORTS: 'off' } });
    try {
      const posted = await http(server, 'POST', API_PATHS.morningReports, { body: reportOf(1) });
      expect(posted.status).toBe(403);
      expect(posted.body.message).toBe('EXERCISES_REPORTS: the morning reports are off on this server (EXERCISES_REPORTS=off)');
      expect((await http(server, 'GET', API_PATHS.morningBoard)).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
