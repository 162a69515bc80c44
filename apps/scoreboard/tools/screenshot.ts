/**
 * `npm run screenshot`: writes docs/scoreboard.png from a live game — the
 * built server, a room of 60 bot traders in 15 teams, gibbs moving the hype —
 * taken in headless Chromium at 1920×1080 at a moment when no banner covers
 * the board; then docs/report.png, that game's report page (/report/), and
 * docs/trader-page.png, one trader's own page (/trader/{team}/{name}); and
 * docs/scoreboard-burst.png, a second game whose rules make the first hyped
 * gibb burst the bubble, shot while the burst is on.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { API_PATHS } from '@banana-market/protocol';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { overlaps, readOnScreen } from './on-screen.js';
import { startGibbs } from './gibb-stream.js';
import { spawnGameServer } from './spawn-server.js';
import { ROOM_TEAMS, startCrowd, type Crowd } from './trader-crowd.js';

const OUTPUT = fileURLToPath(new URL('../../../docs/scoreboard.png', import.meta.url));
/** The same game's report page, beside it in the README. */
const REPORT_OUTPUT = fileURLToPath(new URL('../../../docs/report.png', import.meta.url));
const TRADER_OUTPUT = fileURLToPath(new URL('../../../docs/trader-page.png', import.meta.url));
const BURST_OUTPUT = fileURLToPath(new URL('../../../docs/scoreboard-burst.png', import.meta.url));
const TEAMS = ROOM_TEAMS;
const PLAY_MS = Number(process.env.SCREENSHOT_PLAY_MS ?? 40_000);
const QUIET_MS = 4000;

async function main(): Promise<void> {
  if (!chromiumAvailable('scoreboard screenshot')) process.exit(1);
  const server = await spawnGameServer({ GAME_SEED: 'screenshot', TICK_MS: '250' });
  const browser = await launchChromium();
  let crowd: Crowd | undefined;
  let stopGibbs = () => {};
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 15_000 });
    // Remember when the last banner appeared, to shoot between banners.
    await page.evaluate(`(() => {
      window.lastBannerAt = 0;
      new MutationObserver(() => (window.lastBannerAt = performance.now()))
        .observe(document.getElementById('banner-text'), { childList: true, characterData: true, subtree: true });
    })()`);
    crowd = await startCrowd({
      server: server.url,
      teams: TEAMS,
      tradersPerTeam: 4,
      actionsPerSecond: 2,
      seed: 'screenshot',
    });
    stopGibbs = startGibbs(server.url, 3000, server.adminToken);
    console.log(`playing for ${PLAY_MS / 1000} s on ${server.url}…`);
    await page.waitForTimeout(PLAY_MS);
    await page
      .waitForFunction(`performance.now() - window.lastBannerAt > ${QUIET_MS}`, undefined, { timeout: 30_000, polling: 200 })
      .catch(() => console.log('no quiet moment without a banner within 30 s: taking the shot anyway'));
    // …and when no row is gliding over another (ranks change several times a second in a busy room).
    const settled = Date.now() + 20_000;
    while (Date.now() < settled && overlaps(await readOnScreen(page)).length > 0) await page.waitForTimeout(50);
    mkdirSync(fileURLToPath(new URL('.', `file://${OUTPUT}`)), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    console.log(`wrote ${OUTPUT}`);
    const report = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await report.goto(`${server.url}/report/`);
    await report.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000 });
    await report.screenshot({ path: REPORT_OUTPUT, fullPage: true });
    console.log(`wrote ${REPORT_OUTPUT}`);
    const trader = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await trader.goto(`${server.url}/trader/${TEAMS[0]}/bot-0-0`);
    await trader.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000 });
    await trader.screenshot({ path: TRADER_OUTPUT, fullPage: true });
    console.log(`wrote ${TRADER_OUTPUT}`);
  } finally {
    stopGibbs();
    await crowd?.stop();
    await server.stop();
  }
  try {
    await shootBurst(browser);
  } finally {
    await browser.close();
  }
}

/** A short game whose first hyped gibb bursts the bubble: the board while the burst is on. */
async function shootBurst(browser: Browser): Promise<void> {
  const server = await spawnGameServer({
    GAME_SEED: 'screenshot-burst',
    TICK_MS: '250',
    GAME_RULES: JSON.stringify({ burstProbabilityPerHype: 100, burstStepMs: 3000 }),
  });
  let crowd: Crowd | undefined;
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 15_000 });
    crowd = await startCrowd({ server: server.url, teams: TEAMS.slice(0, 6), tradersPerTeam: 3, actionsPerSecond: 2, seed: 'screenshot-burst' });
    await page.waitForTimeout(15_000);
    const gibb = await fetch(new URL(API_PATHS.gibbs, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ text: 'bananas are great great great, buy buy buy #MKTD' }),
    });
    if (!gibb.ok) throw new Error(`posting the gibb failed: ${gibb.status} ${await gibb.text()}`);
    // Two steps into the burst: the chart shows its mark and rings, the banner its progress.
    await page.waitForFunction(() => /step 2\//.test(document.getElementById('banner-text')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: BURST_OUTPUT });
    console.log(`wrote ${BURST_OUTPUT}`);
  } finally {
    await crowd?.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
