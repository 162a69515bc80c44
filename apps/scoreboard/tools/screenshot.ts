/**
 * `npm run screenshot`: writes docs/scoreboard.png from a live game — the
 * built server, a few teams of bot traders, gibbs moving the hype — taken in
 * headless Chromium at 1920×1080 at a moment when no banner covers the board,
 * then docs/report.png, that game's report page (/report/).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { startGibbs } from './gibb-stream.js';
import { spawnGameServer } from './spawn-server.js';
import { startCrowd, type Crowd } from './trader-crowd.js';

const OUTPUT = fileURLToPath(new URL('../../../docs/scoreboard.png', import.meta.url));
/** The same game's report page, beside it in the README. */
const REPORT_OUTPUT = fileURLToPath(new URL('../../../docs/report.png', import.meta.url));
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
      teams: ['BONOBO', 'GORILLA', 'CHIMP', 'MANDRILL', 'GIBBON'],
      tradersPerTeam: 3,
      actionsPerSecond: 2,
      seed: 'screenshot',
    });
    stopGibbs = startGibbs(server.url, 3000, server.adminToken);
    console.log(`playing for ${PLAY_MS / 1000} s on ${server.url}…`);
    await page.waitForTimeout(PLAY_MS);
    await page
      .waitForFunction(`performance.now() - window.lastBannerAt > ${QUIET_MS}`, undefined, { timeout: 30_000, polling: 200 })
      .catch(() => console.log('no quiet moment without a banner within 30 s: taking the shot anyway'));
    mkdirSync(fileURLToPath(new URL('.', `file://${OUTPUT}`)), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    console.log(`wrote ${OUTPUT}`);
    const report = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await report.goto(`${server.url}/report/`);
    await report.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000 });
    await report.screenshot({ path: REPORT_OUTPUT, fullPage: true });
    console.log(`wrote ${REPORT_OUTPUT}`);
  } finally {
    stopGibbs();
    await crowd?.stop();
    await browser.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
