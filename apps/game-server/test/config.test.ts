/**
 * Configuration is validated before anything starts; a bad one is one clear
 * message and exit code 1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from '../src/config/server-config.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('server configuration', () => {
  it('has the documented defaults', () => {
    const config = loadServerConfig({});
    expect(config).toMatchObject({ port: 3000, houseBots: 3, kafkaBrokers: undefined, adminTokenGenerated: true, seedGenerated: true });
    expect(config.rules.tickMs).toBe(1000);
    expect(config.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it('reads every variable', () => {
    const config = loadServerConfig({
      PORT: '4000',
      ADMIN_TOKEN: 'coach-secret',
      GAME_SEED: 'mktd',
      TICK_MS: '250',
      HOUSE_BOTS: '0',
      KAFKA_BROKERS: 'localhost:9092, 127.0.0.1:9093',
      GAME_RULES: '{"startCoins": 20, "bailoutPenalty": 10}',
    });
    expect(config).toMatchObject({ port: 4000, adminToken: 'coach-secret', seed: 'mktd', houseBots: 0, kafkaBrokers: ['localhost:9092', '127.0.0.1:9093'] });
    expect(config.rules).toMatchObject({ tickMs: 250, startCoins: 20, bailoutPenalty: 10 });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT/],
    [{ TICK_MS: '0' }, /TICK_MS/],
    [{ HOUSE_BOTS: '-1' }, /HOUSE_BOTS/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN/],
    [{ KAFKA_BROKERS: 'localhost' }, /KAFKA_BROKERS must be host:port/],
    [{ GAME_RULES: '{oops' }, /GAME_RULES must be a JSON object/],
    [{ GAME_RULES: '{"startCoins": -5}' }, /GAME_RULES\.startCoins/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadServerConfig(env)).toThrow(ConfigError);
    expect(() => loadServerConfig(env)).toThrow(message);
  });

  describe('gibb sources', () => {
    it('run the gibber alone by default, and whatever the variables imply', () => {
      expect(loadServerConfig({}).gibbSources).toEqual({ enabled: ['gibber'], gibber: { perClientLimit: 5, windowMs: 30_000 }, x: undefined, replay: undefined });
      const config = loadServerConfig({ X_BEARER_TOKEN: 'tok', X_TERMS: '#MKTD, banana market', GIBB_REPLAY_FILE: 'samples/gibbs-evening.jsonl', GIBB_REPLAY_SPEED: '2.5', GIBB_REPLAY_LOOP: 'yes' });
      expect(config.gibbSources).toMatchObject({
        enabled: ['gibber', 'x', 'replay'],
        x: { bearerToken: 'tok', terms: ['#MKTD', 'banana market'], apiUrl: 'https://api.x.com', searchIntervalMs: 15_000 },
        replay: { file: 'samples/gibbs-evening.jsonl', speed: 2.5, loop: true },
      });
      expect(loadServerConfig({ GIBB_SOURCES: 'replay', GIBB_REPLAY_FILE: 'f.jsonl', X_BEARER_TOKEN: 'tok' }).gibbSources).toMatchObject({ enabled: ['replay'], x: undefined });
    });

    it.each([
      [{ GIBB_SOURCES: 'twitter' }, /GIBB_SOURCES must list sources among gibber, x, replay; unknown: twitter/],
      [{ GIBB_SOURCES: 'x' }, /the x source needs X_BEARER_TOKEN/],
      [{ GIBB_SOURCES: 'gibber,replay' }, /the replay source needs GIBB_REPLAY_FILE/],
      [{ X_API_URL: 'http://127.0.0.1:8080' }, /X_API_URL must be an https:\/\/ URL/],
      [{ GIBB_REPLAY_SPEED: '0' }, /GIBB_REPLAY_SPEED must be a number from 0.01 to 10000/],
      [{ GIBB_REPLAY_LOOP: 'maybe' }, /GIBB_REPLAY_LOOP must be true or false/],
      [{ GIBBER_LIMIT: '2.5' }, /GIBBER_LIMIT must be a whole number/],
      [{ X_BEARER_TOKEN: 'tok', X_TERMS: ' , ' }, /X_TERMS must list at least one term/],
    ])('refuses %j with a message naming the variable', (env, message) => {
      expect(() => loadServerConfig(env)).toThrow(message);
    });

    it('never repeats the bearer token in a configuration error', () => {
      const token = 'AAAA-very-secret-token';
      expect(() => loadServerConfig({ X_BEARER_TOKEN: token, GIBB_SOURCES: 'x,tweets', X_API_URL: 'ftp://x' })).toThrow(ConfigError);
      try {
        loadServerConfig({ X_BEARER_TOKEN: token, GIBB_SOURCES: 'x,tweets', X_API_URL: 'ftp://x' });
      } catch (error) {
        expect((error as Error).message).not.toContain(token);
      }
    });
  });

  describe('the built server', () => {
    beforeAll(async () => {
      if (!existsSync(mainJs)) await run('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot });
    }, 120_000);

    it('exits with code 1 and one clear line on bad configuration', async () => {
      const failure = await run(process.execPath, [mainJs], { env: { ...process.env, PORT: 'eighty', TICK_MS: '5' } }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/invalid configuration/);
      expect(failure?.stderr).toMatch(/PORT must be a whole number/);
      expect(failure?.stderr).toMatch(/TICK_MS/);
      expect(failure?.stderr).not.toMatch(/    at /);
    });
  });
});
