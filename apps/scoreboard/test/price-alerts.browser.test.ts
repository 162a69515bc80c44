/**
 * The room's --live price alerts on the ticker, in Chromium: the built game
 * server on a real broker, the coach ticks the box on /coach/, a
 * participant's run writes an alert to live-NAME-kata-05-price-alerts, and
 * the scoreboard's ticker (its screen-reader mirror) shows it as an alert.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, createProducer, ensureTopics } from '@banana-market/kafka';
import { API_PATHS } from '@banana-market/protocol';
import { brokerForTests } from '../../../tools/kafka/broker.mjs';
import { chromiumAvailable, launchChromium } from '../tools/chromium.js';
import { ADMIN_TOKEN, http, startGameServer, type RunningServer } from './support/game-server.js';

const canRun = chromiumAvailable('price alerts browser tests');
// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = canRun ? await brokerForTests() : undefined;

const RUN = Date.now().toString(36);

describe.skipIf(!canRun || broker === undefined)("the room's price alerts on the ticker, in Chromium", () => {
  const bootstrap = broker?.bootstrap ?? '';
  const participant = `ada-${RUN}`;
  const topic = `live-${participant}-kata-05-price-alerts`;
  let server: RunningServer;
  let browser: Browser;
  let coach: Page;
  let board: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Ada's live run has made its topic (as --live does when it starts).
    const admin = createKafkaClient({ clientId: `price-alerts-${RUN}`, brokers: [bootstrap] }).admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 1 }]);
    await admin.disconnect();
    [server, browser] = await Promise.all([
      startGameServer({ seed: 'price-alerts', env: { KAFKA_BROKERS: bootstrap, DATA_DIR: '' } }),
      launchChromium(),
    ]);
    [coach, board] = await Promise.all([browser.newPage({ viewport: { width: 1280, height: 900 } }), browser.newPage()]);
    for (const page of [coach, board]) page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await broker?.stop();
  });

  it('the coach turns them on from /coach/, and the ticker shows an alert as it comes', async () => {
    await coach.goto(`${server.url}${API_PATHS.coachPage}`);
    await coach.fill('#admin-token', ADMIN_TOKEN);
    await coach.click('#sign-in');
    await coach.waitForFunction(() => document.getElementById('game-status')?.textContent === 'running', undefined, { timeout: 10_000 });
    expect(await coach.isChecked('#price-alerts')).toBe(false);
    await coach.check('#price-alerts');
    await coach.waitForFunction(() => (document.getElementById('price-alerts') as HTMLInputElement).checked, undefined, { timeout: 10_000 });
    await expect.poll(async () => (await http(server, 'GET', API_PATHS.coachPriceAlerts, { token: ADMIN_TOKEN })).body).toEqual({ on: true });

    await board.goto(server.url);
    await board.waitForFunction(() => document.getElementById('connection-text')?.textContent === 'Live', undefined, { timeout: 10_000 });
    const producer = createProducer(createKafkaClient({ clientId: `ada-${RUN}`, brokers: [bootstrap] }));
    await producer.connect();
    try {
      const alert = { time: new Date().toISOString(), average: 1.62, prices: 30 };
      await producer.send({ topic, messages: [{ key: '"GNOU"', value: JSON.stringify(alert) }] });
    } finally {
      await producer.disconnect();
    }
    const expected = `ALERT ${participant}: avg 1.62 (price alert)`;
    await board.waitForFunction((text) => [...document.querySelectorAll('#gibbs-list li')].some((li) => li.textContent === text), expected, {
      timeout: 30_000,
    });
    expect(pageErrors).toEqual([]);
  });
});
