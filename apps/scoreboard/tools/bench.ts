/**
 * `npm run bench:scoreboard`: how smoothly the scoreboard runs under a full
 * room. A built game server, 60 bot traders in 15 teams at 10 actions per second each
 * over WebSocket, gibbs every two seconds, and the page at 1920×1080 in
 * headless Chromium. It prints the frames per second the page sustains,
 * next to an empty page's rate measured in the same run under the same load
 * (the ceiling the browser allows), then once more forced onto WebGL for
 * comparison. Target: ≥ 50 fps.
 */
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { measureFrameRate, type FrameRate } from './frame-rate.js';
import { startGibbs } from './gibb-stream.js';
import { spawnGameServer } from './spawn-server.js';
import { ROOM_TEAMS, startCrowd, type Crowd } from './trader-crowd.js';

const TEAMS = ROOM_TEAMS;
const TRADERS_PER_TEAM = 4;
const ACTIONS_PER_SECOND = 10;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
const TARGET_FPS = 50;

async function main(): Promise<void> {
  if (!chromiumAvailable('scoreboard benchmark')) process.exit(1);
  const server = await spawnGameServer({ GAME_SEED: 'bench' });
  const browser = await launchChromium();
  let crowd: Crowd | undefined;
  let stopGibbs = () => {};
  try {
    console.log(`server ${server.url}; starting ${TEAMS.length * TRADERS_PER_TEAM} traders at ${ACTIONS_PER_SECOND} actions/s each…`);
    crowd = await startCrowd({
      server: server.url,
      teams: TEAMS,
      tradersPerTeam: TRADERS_PER_TEAM,
      actionsPerSecond: ACTIONS_PER_SECOND,
      seed: 'bench',
    });
    stopGibbs = startGibbs(server.url, 2000, server.adminToken);

    const empty = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await empty.setContent('<!doctype html><title>empty</title><body style="background:#000"></body>');
    await empty.waitForTimeout(1000);
    const baseline = await measureFrameRate(empty, MEASURE_MS);
    await empty.close();

    // The page as a spectator opens it (renderer chosen by the page), then forced onto WebGL.
    const auto = await measureScoreboard(browser, server.url, '', crowd);
    const webgl = await measureScoreboard(browser, server.url, '?renderer=webgl', crowd);

    console.log('');
    console.log(`load: ${crowd.traders} traders, ${auto.actionRate.toFixed(0)} actions/s answered during the measurement, a gibb every 2 s`);
    console.log(`page: 1920×1080, ${auto.traders} traders mirrored on the leaderboard; ${MEASURE_MS / 1000} s per measurement`);
    console.log('');
    console.log(row('', 'fps', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'long frames'));
    console.log(row('empty page (baseline)', ...figures(baseline)));
    console.log(row(`scoreboard (${auto.renderer})`, ...figures(auto.rate)));
    console.log(row(`scoreboard (${webgl.renderer}, forced)`, ...figures(webgl.rate)));
    console.log('');
    console.log(
      `scoreboard sustains ${auto.rate.fps.toFixed(1)} fps with the ${auto.renderer} renderer the page chose = ` +
        `${((100 * auto.rate.fps) / baseline.fps).toFixed(0)} % of the empty page's ${baseline.fps.toFixed(1)} fps`,
    );
    console.log(auto.rate.fps >= TARGET_FPS ? `target ≥ ${TARGET_FPS} fps: met` : `target ≥ ${TARGET_FPS} fps: NOT met`);
    const errors = [...auto.errors, ...webgl.errors];
    if (errors.length > 0) console.log(`page errors: ${errors.join(' | ')}`);
  } finally {
    stopGibbs();
    await crowd?.stop();
    await browser.close();
    await server.stop();
  }
}

async function measureScoreboard(browser: Browser, url: string, query: string, crowd: Crowd) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/${query}`);
  await page.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 15_000 });
  await page.waitForTimeout(WARMUP_MS);
  const answeredBefore = crowd.stats.answered;
  const startedAt = Date.now();
  const rate = await measureFrameRate(page, MEASURE_MS);
  const actionRate = (crowd.stats.answered - answeredBefore) / ((Date.now() - startedAt) / 1000);
  const renderer = (await page.evaluate('window.scoreboard.game.renderer.type === 2')) ? 'WebGL' : 'Canvas';
  const traders = await page.$$eval('#traders-rows tr', (rows) => rows.length);
  await page.close();
  return { rate, actionRate, renderer, traders, errors };
}

function figures(rate: FrameRate): string[] {
  return [rate.fps.toFixed(1), rate.p50Ms.toFixed(1), rate.p95Ms.toFixed(1), rate.p99Ms.toFixed(1), rate.maxMs.toFixed(1), String(rate.longFrames)];
}

function row(...cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(28) : c.padStart(12))).join('');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
