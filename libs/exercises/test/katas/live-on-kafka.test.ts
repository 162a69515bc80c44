/**
 * Graduation onto the live market (`npm run exercises -- --live 5 --kafka
 * HOST:PORT --name NAME`): the reference solution of chapter 05 runs as the
 * participant's own process on a real broker, reads the game's share-price
 * topic, and writes its alerts to the participant's topic
 * (live-NAME-kata-05-price-alerts) within one window; Ctrl-C closes it cleanly.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SaslCredentials } from '@banana-market/kafka';
import { SINGLE_STREAM_KEY, TOPICS } from '@banana-market/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerForTests, startBroker } from '../../../../tools/kafka/broker.mjs';
import { ALERT_THRESHOLD, AVERAGE_WINDOW_MS, isoAt, PRICE_ALERTS_TOPIC, PRICES_TOPIC } from '../../solutions/05-hopping-and-sliding-windows/kata.js';
import { startServerProcess, type ServerProcess } from '../../../../tools/built-server/server-process.js';
import { listChapters } from '../../tools/chapters.js';
import { liveApplicationId, liveTopic } from '../../tools/live.js';
import { MINUTE, SECOND } from '../../chapters/support/market-time.js';
import { createGameTopics, eventually, OutsideWorld } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();
// The running game's test needs a share-price topic without other games' recent prices (a 10-minute average
// already above the threshold alerts no more): this file's fresh broker, or one of its own beside a shared one.
const gameBroker = broker !== undefined && process.env.KAFKA_BROKERS ? await startBroker() : broker;
// A secured broker of this file's own (KAFKA_BROKERS, a shared open one, cannot be it), when an open one can run here.
const secured = broker === undefined ? undefined : await startBroker({ secure: true });

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** node with tsx's loader, not tsx's CLI: the CLI runs the tool in a child of its own, which a SIGKILL of the CLI would orphan. */
const NODE_WITH_TSX = [process.execPath, ['--import', 'tsx', '--conditions=@banana-market/source']] as const;

/**
 * Event times from the next whole minute after `now`: what other tests wrote to share-price is older (Kafka refuses
 * times over an hour ahead). Taken when the prices are sent, not when the file loads: the running game's test, on
 * the same broker before, stamps its prices with the time it runs, and once they were later than a start taken at
 * load (the brokers and the game had taken half a minute) the stream time was past these prices' windows — the
 * app dropped them as late and never alerted.
 */
const nextWholeMinute = (now: number) => Math.ceil(now / MINUTE) * MINUTE;
/** "Within one window": the shorter of chapter 05's windows, the moving average's minute (the alert's is 10 minutes). */
const ONE_WINDOW_MS = AVERAGE_WINDOW_MS;

interface LiveBroker {
  readonly bootstrap: string;
  /** The game server's credentials on a secured broker (it writes share-price); the participant's, given to --live. */
  readonly server?: SaslCredentials;
  readonly player?: SaslCredentials;
}

/**
 * Runs `--live 5 --solutions` as a participant, publishes two prices the way the game does, and checks that
 * the alert lands on the participant's topic within one window, is printed, and that Ctrl-C closes the run.
 */
async function liveRunAlerts(
  broker: LiveBroker,
  run: string,
  participant: string,
  started: ChildProcessWithoutNullStreams[],
  /** Whose prices: two the test publishes, or those of a game running on the broker since `since` (ms). */
  prices: { readonly from: 'test' } | { readonly from: 'game'; readonly since: number } = { from: 'test' },
): Promise<void> {
  // The test's prices carry a key of this run's own: the kata keeps one sliding window and one "above?" per
  // key, so the prices other tests write to the shared share-price topic (key "GNOU") change nothing here.
  const key = prices.from === 'test' ? `GNOU-${run}` : SINGLE_STREAM_KEY;
  // As the game server makes it: one partition (the app would make it with the broker's default otherwise).
  await createGameTopics(broker.bootstrap, `live-${run}`, [TOPICS.sharePrice], broker.server);
  const outside = new OutsideWorld(broker.bootstrap, broker.server);
  await outside.connect();
  const credentials = broker.player === undefined ? {} : { KAFKA_SASL_USERNAME: broker.player.username, KAFKA_SASL_PASSWORD: broker.player.password };
  const child = spawn(
    NODE_WITH_TSX[0],
    [...NODE_WITH_TSX[1], 'libs/exercises/tools/exercises.ts', '--live', '5', '--solutions', '--kafka', broker.bootstrap, '--name', participant],
    { cwd: ROOT, env: { ...process.env, ...credentials } },
  );
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // A run that stops early fails the test at once, with what it printed.
  const whileRunning = <T>(waiting: Promise<T>) =>
    Promise.race([
      waiting,
      exited.then((code) => {
        throw new Error(`--live exited early (code ${code}):\n${stdout}\n${stderr}`);
      }),
    ]);
  try {
    const alertsTopic = liveTopic(participant, PRICE_ALERTS_TOPIC);
    // Running: it has created its topics and joined its group (a new group reads share-price from its beginning).
    const writing = `live: writing ${liveTopic(participant, 'kata-05-moving-averages')}, ${alertsTopic}`;
    await whileRunning(eventually(() => expect(stdout).toContain(writing), ONE_WINDOW_MS));
    const alerts = await outside.watch(alertsTopic);

    if (prices.from === 'game') {
      // The game's own prices: its first one (2.0, GAME_RULES) already takes the 10-minute average above 1.5.
      const sinceIso = isoAt(prices.since);
      const fromThisGame = () => alerts.filter((r) => r.key === key && (r.value as { time: string }).time >= sinceIso);
      const alert = await whileRunning(
        eventually(() => {
          expect(fromThisGame().length).toBeGreaterThan(0);
          return fromThisGame()[0];
        }, ONE_WINDOW_MS),
      );
      expect(alert.value).toMatchObject({ average: expect.any(Number), prices: expect.any(Number) });
      expect((alert.value as { average: number }).average).toBeGreaterThan(ALERT_THRESHOLD);
      await whileRunning(eventually(() => expect(stdout).toContain(`${alertsTopic}  "${key}"  ${JSON.stringify(alert.value)}`), ONE_WINDOW_MS));
    } else {
      // Prices as the game publishes them: {time, coins, forecast}, the record's timestamp the price's time.
      // 1.0 leaves the 10-minute average at or below 1.5; 3.0 takes it to 2.0, above: one alert, at once.
      const start = nextWholeMinute(Date.now());
      const published = [
        { ms: 0, coins: 1.0 },
        { ms: SECOND, coins: 3.0 },
      ].map(({ ms, coins }) => ({ key, value: { time: isoAt(start + ms), coins, forecast: 1 }, timestamp: start + ms }));
      const sentAt = Date.now();
      await outside.produce(PRICES_TOPIC, published);

      const expected = { time: isoAt(start + SECOND), average: 2, prices: 2 };
      await whileRunning(eventually(() => expect(alerts.filter((r) => r.key === key).map((r) => r.value)).toEqual([expected]), ONE_WINDOW_MS));
      expect(Date.now() - sentAt).toBeLessThan(ONE_WINDOW_MS);
      // …and the live tool printed it as it arrived.
      await whileRunning(eventually(() => expect(stdout).toContain(`${alertsTopic}  "${key}"  ${JSON.stringify(expected)}`), ONE_WINDOW_MS));
    }

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGINT: closing');
    expect(stdout).toContain('closed');
  } finally {
    await outside.close();
  }
}

// First: the other tests publish prices stamped up to a minute ahead, which would close this game's windows.
describe.skipIf(gameBroker === undefined)('npm run exercises -- --live 5 against a game running on the broker', () => {
  const started: ChildProcessWithoutNullStreams[] = [];
  let game: ServerProcess | undefined;

  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    await game?.stop();
    if (gameBroker !== broker) await gameBroker?.stop();
  });

  it('alerts on the running game’s own prices within one window', { timeout: 3 * ONE_WINDOW_MS }, async () => {
    const bootstrap = gameBroker?.bootstrap ?? '';
    const since = Date.now();
    // The built server as the coach runs it, on this broker; its market opens at 2.0, above the kata's threshold.
    game = await startServerProcess({ KAFKA_BROKERS: bootstrap, GAME_SEED: 'live-5', GAME_RULES: JSON.stringify({ initialPrice: 2 }) });
    const run = randomUUID().slice(0, 8);
    await liveRunAlerts({ bootstrap }, run, `lin ${run}`, started, { from: 'game', since });
  });
});

describe.skipIf(broker === undefined)('npm run exercises -- --live 5 on a real broker', () => {
  const run = randomUUID().slice(0, 8);
  // A space and an @, as defaultParticipant() gives: the topic spells them "_sp_" and "_at_" (liveNameOf).
  const participant = `ada@room ${run}`;
  const started: ChildProcessWithoutNullStreams[] = [];

  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    await broker?.stop();
  });

  it('names the participant’s topics and group after them, in the characters Kafka allows', () => {
    const chapter = listChapters(join(ROOT, 'libs/exercises/chapters')).find((c) => c.number === 5);
    expect(liveTopic(participant, PRICE_ALERTS_TOPIC)).toBe(`live-ada_at_room_sp_${run}-kata-05-price-alerts`);
    expect(chapter && liveApplicationId(participant, chapter)).toBe(`live-ada_at_room_sp_${run}-05-hopping-and-sliding-windows`);
    // Names that differ only where Kafka has no character get topics of their own.
    const topics = [participant, `ada room ${run}`, `ada-room ${run}`, `ada_room ${run}`].map((name) => liveTopic(name, PRICE_ALERTS_TOPIC));
    expect(new Set(topics).size).toBe(4);
    // 64 spaces and letters spell a topic over Kafka's 249 characters: refused, not cut short into another's.
    expect(() => liveTopic(`a${' '.repeat(63)}`, PRICE_ALERTS_TOPIC)).toThrow(/over Kafka's 249: choose a shorter name/);
  });

  it('writes the alert to the participant’s topic within one window, prints it, and closes on Ctrl-C', { timeout: 3 * ONE_WINDOW_MS }, async () => {
    await liveRunAlerts({ bootstrap: broker?.bootstrap ?? '' }, run, participant, started);
  });
});

describe.skipIf(secured === undefined)('npm run exercises -- --live 5 on a secured broker, with the players’ credentials', () => {
  const started: ChildProcessWithoutNullStreams[] = [];

  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    await secured?.stop();
  });

  it('creates its live-* topics, joins its live-* group and writes the alert, as a player may', { timeout: 3 * ONE_WINDOW_MS }, async () => {
    const users = secured?.users;
    if (secured === undefined || users === undefined) throw new Error('the secured broker has no users');
    const run = randomUUID().slice(0, 8);
    const asUser = (user: { username: string; password: string }): SaslCredentials => ({ mechanism: 'scram-sha-256', ...user });
    await liveRunAlerts({ bootstrap: secured.bootstrap, server: asUser(users.server), player: asUser(users.player) }, run, `grace ${run}`, started);
  });
});

describe('npm run exercises -- --live, refused before it starts', () => {
  const exercises = (args: string[], env: Record<string, string> = {}) => {
    const run = spawnSync(NODE_WITH_TSX[0], [...NODE_WITH_TSX[1], 'libs/exercises/tools/exercises.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    return { status: run.status, out: run.stdout, err: run.stderr };
  };

  it('names the flag of a bad broker address, with the usage and exit code 2', () => {
    const run = exercises(['--live', '5', '--kafka', 'http://coach:9092']);
    expect(run.err).toContain('--kafka needs the broker as HOST:PORT (e.g. 192.168.1.20:9092; several: comma-separated), got "http://coach:9092"');
    expect(run.err).toContain('--live N      run your chapter N');
    expect(run.status).toBe(2);
  });

  it('names KAFKA_SASL_MECHANISM when it is none of the mechanisms the players’ clients know', () => {
    const run = exercises(['--live', '5', '--kafka', '127.0.0.1:9', '--solutions'], {
      KAFKA_SASL_USERNAME: 'player',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_SASL_MECHANISM: 'kerberos',
    });
    expect(run.err).toContain('KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain, got "kerberos"');
    expect(run.status).not.toBe(0);
  });
});
