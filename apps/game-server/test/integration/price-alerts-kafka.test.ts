/**
 * The coach's switch for the room's chapter-05 price alerts on the ticker
 * (POST /api/coach/price-alerts): on a real broker, an alert a participant's
 * `--live 5` run writes to live-NAME-kata-05-price-alerts reaches a
 * WebSocket spectator while the switch is on — a participant who goes live
 * after it was switched on too — and not while it is off; a record that is
 * no alert is left out. On the embedded bus there is nothing to follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, ensureTopics } from '@banana-market/kafka';
import { API_PATHS } from '@banana-market/protocol';
import { NO_KAFKA_CONFLICT } from '../../src/live/price-alerts.controller.js';
import type { BusEnvironment } from '../support/buses.js';
import { useGameOnBus } from '../support/game-on-bus.js';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from '../support/test-server.js';
import { type Frame, TestSocket } from '../support/ws-client.js';

const RUN = Date.now().toString(36);
const PATH = API_PATHS.coachPriceAlerts;
/** Following starts with a group join, and a new participant's topic is found at the next topic refresh (5 s). */
const FRAME_TIMEOUT_MS = 30_000;

const alertsTopic = (name: string) => `live-${name}-kata-05-price-alerts`;
const alertAt = (ms: number, average: number) => ({ time: new Date(ms).toISOString(), average, prices: 12 });
/** On a shared broker (KAFKA_BROKERS) other runs' live topics are followed too: this run's participants carry RUN. */
const isAlert = (f: Frame) => f.event === 'price-alert' && String(f.data.participant).endsWith(`-${RUN}`);

describe('the coach shows the room’s --live price alerts on the ticker (a real Kafka broker)', () => {
  let env: BusEnvironment | undefined;
  let server: TestServer;
  let spectator: TestSocket;
  const [alice, bob] = [`alice-${RUN}`, `bob-${RUN}`];

  useGameOnBus('kafka', { GAME_SEED: 'price-alerts', DATA_DIR: '' }, (game) => ({ env, server } = game));

  /** As the participant's live run writes them: its key, the alert's JSON. */
  const write = (name: string, ...values: (string | object)[]) =>
    env!.client.produce(
      alertsTopic(name),
      values.map((value) => ({ key: '"GNOU"', value: typeof value === 'string' ? value : JSON.stringify(value) })),
    );
  const switchTo = (on: boolean) => http(server, 'POST', PATH, { body: { on }, token: ADMIN_TOKEN });

  beforeAll(async () => {
    if (env === undefined) return;
    // Alice's run has started before the coach turns the alerts on; Bob's starts later (his topic is made in a test).
    const admin = createKafkaClient({ clientId: `price-alerts-${RUN}`, brokers: env.brokers! }).admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: alertsTopic(alice), partitions: 1 }]);
    await admin.disconnect();
    spectator = await TestSocket.open(server.wsUrl);
  });

  afterAll(() => spectator?.close());

  it('is off at start, and only the coach switches it, with {"on": true|false}', async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    expect(await http(server, 'GET', PATH, { token: ADMIN_TOKEN })).toMatchObject({ status: 200, body: { on: false } });
    expect((await http(server, 'POST', PATH, { body: { on: true } })).status).toBe(401);
    const bad = await http(server, 'POST', PATH, { body: { on: 'yes' }, token: ADMIN_TOKEN });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('on');
    expect(await http(server, 'GET', PATH, { token: ADMIN_TOKEN })).toMatchObject({ status: 200, body: { on: false } });
  });

  it('shows the alerts written while it is on, not those written while it was off; a record that is no alert is left out', async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    // Off: written, never shown (the partition's order proves it: it comes before what is shown).
    await write(alice, alertAt(Date.now() - 1000, 1.6));
    expect(await switchTo(true)).toMatchObject({ status: 200, body: { on: true } });
    expect(await http(server, 'GET', PATH, { token: ADMIN_TOKEN })).toMatchObject({ body: { on: true } });
    const shown = alertAt(Date.now(), 1.7);
    // Anyone's code writes there: none of these may stop the alerts, or reach the screen.
    const oversized = { ...shown, note: 'x'.repeat(2000) };
    const fromTheFuture = alertAt(Date.now() + 3_600_000, 1.65);
    await write(alice, 'not json', { time: 'yesterday', average: 2, prices: 1 }, { ...shown, average: 'high' }, oversized, fromTheFuture, shown);
    const frame = await spectator.next(isAlert, FRAME_TIMEOUT_MS);
    expect(frame.data).toEqual({ participant: alice, ...shown });
    expect(spectator.frames.filter(isAlert)).toHaveLength(1);

    // Off again: what Alice writes now is not shown, even once it is switched on again.
    const seen = spectator.frames.length;
    expect(await switchTo(false)).toMatchObject({ status: 200, body: { on: false } });
    await write(alice, alertAt(Date.now(), 1.8));
    expect(await switchTo(true)).toMatchObject({ status: 200, body: { on: true } });
    const after = alertAt(Date.now(), 1.9);
    await write(alice, after);
    expect((await spectator.next(isAlert, FRAME_TIMEOUT_MS, seen)).data).toEqual({ participant: alice, ...after });
    expect(spectator.frames.filter(isAlert).map((f) => f.data.average)).toEqual([1.7, 1.9]);
  });

  it('shows the alerts of a participant who goes live after it was switched on', async (ctx) => {
    if (env === undefined) return ctx.skip('no Kafka broker on this machine (see the message above)');
    const seen = spectator.frames.length;
    const admin = createKafkaClient({ clientId: `price-alerts-${RUN}`, brokers: env.brokers! }).admin();
    await admin.connect();
    await ensureTopics(admin, [{ name: alertsTopic(bob), partitions: 1 }]);
    await admin.disconnect();
    const bobs = alertAt(Date.now(), 2.5);
    // A flood of one participant's alerts: the first is shown, the others within the second are not.
    await write(bob, bobs, alertAt(Date.now(), 2.6), alertAt(Date.now(), 2.7));
    expect((await spectator.next((f) => isAlert(f) && f.data.participant === bob, FRAME_TIMEOUT_MS, seen)).data).toEqual({
      participant: bob,
      ...bobs,
    });
    expect(spectator.frames.filter((f) => isAlert(f) && f.data.participant === bob)).toHaveLength(1);
    expect((await http(server, 'GET', API_PATHS.health)).status).toBe(200);
  });
});

describe('the price alerts switch without Kafka', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('says the alerts need the game on Kafka, and stays off', async () => {
    const answer = await http(server, 'POST', PATH, { body: { on: true }, token: ADMIN_TOKEN });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(NO_KAFKA_CONFLICT);
    expect((await http(server, 'GET', PATH, { token: ADMIN_TOKEN })).body).toEqual({ on: false });
  });
});
