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
    expect(config.actionRateLimit).toEqual({ perSecond: 20, burst: 40 });
    expect(config.houseInStandings).toBe(true);
  });

  it('reads HOUSE_IN_STANDINGS as a boolean and refuses anything else', () => {
    expect(loadServerConfig({ HOUSE_IN_STANDINGS: 'false' }).houseInStandings).toBe(false);
    expect(loadServerConfig({ HOUSE_IN_STANDINGS: 'YES' }).houseInStandings).toBe(true);
    expect(() => loadServerConfig({ HOUSE_IN_STANDINGS: 'maybe' })).toThrow(/HOUSE_IN_STANDINGS must be true or false/);
  });

  it('reads the rate limit: the burst is twice the rate unless given', () => {
    expect(loadServerConfig({ ACTION_RATE: '5' }).actionRateLimit).toEqual({ perSecond: 5, burst: 10 });
    expect(loadServerConfig({ ACTION_RATE: '0.5' }).actionRateLimit).toEqual({ perSecond: 0.5, burst: 1 });
    expect(loadServerConfig({ ACTION_RATE: '5', ACTION_BURST: '7' }).actionRateLimit).toEqual({ perSecond: 5, burst: 7 });
    expect(loadServerConfig({ ACTION_RATE: '0' }).actionRateLimit.perSecond).toBe(0);
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
    expect(config).toMatchObject({
      port: 4000,
      adminToken: 'coach-secret',
      seed: 'mktd',
      houseBots: 0,
      kafkaBrokers: ['localhost:9092', '127.0.0.1:9093'],
    });
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

  describe("GAME_RULES, checked strictly against the engine's rules", () => {
    function problemsOf(env: Record<string, string>): string[] {
      try {
        loadServerConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message.split('\n').slice(1);
      }
      throw new Error(`${JSON.stringify(env)} was accepted`);
    }

    it('refuses a misspelt rule, naming it and the rule it resembles', () => {
      expect(problemsOf({ GAME_RULES: '{"startCoin": 20}' })).toEqual(['  - GAME_RULES.startCoin: not a rule; did you mean startCoins?']);
      expect(problemsOf({ GAME_RULES: '{"BAILOUTPENALTY": 10, "startCoins": 20}' })).toEqual([
        '  - GAME_RULES.BAILOUTPENALTY: not a rule; did you mean bailoutPenalty?',
      ]);
    });

    it('lists the rules when an unknown key resembles none of them', () => {
      const [line, ...more] = problemsOf({ GAME_RULES: '{"monkeyMood": 3}' });
      expect(more).toEqual([]);
      expect(line).toMatch(/^ {2}- GAME_RULES\.monkeyMood: not a rule; the rules are startCoins, startShares, .*, txnMemoryPerTrader$/);
    });

    it("names each bad key on its own line, with the other variables' problems", () => {
      expect(problemsOf({ PORT: 'eighty', GAME_RULES: '{"startCoin": 20, "tikMs": 50, "startShares": -1}' })).toEqual([
        '  - PORT: PORT must be a whole number from 0 to 65535, got "eighty"',
        '  - GAME_RULES.startShares: Too small: expected number to be >=0',
        '  - GAME_RULES.startCoin: not a rule; did you mean startCoins?',
        '  - GAME_RULES.tikMs: not a rule; did you mean tickMs?',
      ]);
    });

    it.each([
      ['{"startCoins": "ten"}', /^ {2}- GAME_RULES\.startCoins: Invalid input: expected number, received string$/],
      ['{"hypeTopics": "banana"}', /^ {2}- GAME_RULES\.hypeTopics: Invalid input: expected array, received string$/],
      ['{"burstFactors": [1, -1]}', /^ {2}- GAME_RULES\.burstFactors\.1: Too small: expected number to be >0$/],
      ['{"tickMs": 5}', /^ {2}- GAME_RULES\.tickMs: Too small: expected number to be >=10$/],
      ['5', /^ {2}- GAME_RULES: GAME_RULES must be a JSON object of rule overrides, e\.g\. \{"startCoins":20\}, got "5"$/],
      ['[1, 2]', /^ {2}- GAME_RULES: GAME_RULES must be a JSON object of rule overrides/],
      ['null', /^ {2}- GAME_RULES: GAME_RULES must be a JSON object of rule overrides/],
    ])('refuses GAME_RULES=%s naming the field and what was expected', (rules, line) => {
      const problems = problemsOf({ GAME_RULES: rules });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(line);
    });

    it('accepts every rule by its name; TICK_MS still sets tickMs', () => {
      const config = loadServerConfig({ TICK_MS: '250', GAME_RULES: '{"tickMs": 500, "priceSigma": 0, "hypeTopics": ["kiwi"]}' });
      expect(config.rules).toMatchObject({ tickMs: 250, priceSigma: 0, hypeTopics: ['kiwi'], startCoins: 10 });
      expect(loadServerConfig({ GAME_RULES: '  ' }).rules.startCoins).toBe(10);
    });
  });

  describe('numeric variables', () => {
    const NUMERIC: [string, string][] = [
      ['PORT', 'a whole number from 0 to 65535'],
      ['TICK_MS', 'a whole number from 10 to 60000'],
      ['HOUSE_BOTS', 'a whole number from 0 to 100'],
      ['X_SEARCH_INTERVAL_MS', 'a whole number from 1000 to 3600000'],
      ['GIBB_REPLAY_SPEED', 'a number from 0.01 to 10000'],
      ['GIBBER_LIMIT', 'a whole number from 1 to 10000'],
      ['GIBBER_WINDOW_MS', 'a whole number from 1000 to 3600000'],
      ['ACTION_RATE', 'a number from 0 to 100000'],
      ['ACTION_BURST', 'a whole number from 1 to 1000000 (unset: twice ACTION_RATE)'],
    ];
    const BAD = ['NaN', 'ten', '-1', '-Infinity', 'Infinity', '1e400', '99999999999999999999', '12abc'];

    it.each(NUMERIC)('refuses NaN, negative and huge values of %s, naming it once', (name, expected) => {
      for (const raw of BAD) {
        let message = '';
        try {
          loadServerConfig({ [name]: raw });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          message = (error as Error).message;
        }
        expect(message.split('\n').slice(1), `${name}=${raw}`).toEqual([`  - ${name}: ${name} must be ${expected}, got ${JSON.stringify(raw)}`]);
      }
    });

    it('reads numbers as Number() does, and a blank value as unset', () => {
      expect(loadServerConfig({ PORT: ' 4000 ', TICK_MS: '1e3', HOUSE_BOTS: '' })).toMatchObject({
        port: 4000,
        houseBots: 3,
        rules: { tickMs: 1000 },
      });
      expect(loadServerConfig({ GIBB_REPLAY_FILE: 'f.jsonl', GIBB_REPLAY_SPEED: '0.5' }).gibbSources.replay?.speed).toBe(0.5);
    });
  });

  describe('boolean variables', () => {
    const replay = (loop: string | undefined) => loadServerConfig({ GIBB_REPLAY_FILE: 'f.jsonl', GIBB_REPLAY_LOOP: loop }).gibbSources.replay?.loop;

    it.each(['1', 'true', 'yes', 'on', 'TRUE', 'Yes', ' on '])('reads GIBB_REPLAY_LOOP=%j as true', (spelling) => {
      expect(replay(spelling)).toBe(true);
    });

    it.each(['0', 'false', 'no', 'off', 'FALSE', 'Off', '', ' ', undefined])('reads GIBB_REPLAY_LOOP=%j as false', (spelling) => {
      expect(replay(spelling)).toBe(false);
    });

    it.each(['maybe', 'y', 'n', 'enabled', '2', 'truee'])('refuses GIBB_REPLAY_LOOP=%j, saying what it accepts', (spelling) => {
      expect(() => replay(spelling)).toThrow(ConfigError);
      expect(() => replay(spelling)).toThrow(
        `  - GIBB_REPLAY_LOOP: GIBB_REPLAY_LOOP must be true or false (1/true/yes/on or 0/false/no/off, any case), got ${JSON.stringify(spelling)}`,
      );
    });
  });

  it('reads the Kafka fair-play variables: signed orders, the server secret, SASL credentials both or neither', () => {
    expect(loadServerConfig({})).toMatchObject({ kafkaOrders: 'open', serverSecret: undefined, kafkaSasl: undefined });
    const secured = loadServerConfig({
      KAFKA_ORDERS: 'signed',
      SERVER_SECRET: 'a-long-shared-secret',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(secured).toMatchObject({
      kafkaOrders: 'signed',
      serverSecret: 'a-long-shared-secret',
      kafkaSasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' },
    });
    expect(() => loadServerConfig({ KAFKA_ORDERS: 'strict' })).toThrow(/KAFKA_ORDERS must be one of open, signed, got "strict"/);
    expect(() => loadServerConfig({ KAFKA_SASL_USERNAME: 'u' })).toThrow(/KAFKA_SASL_PASSWORD: a secured broker needs both/);
    expect(() => loadServerConfig({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      /KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain/,
    );
    // Secrets are named, never repeated.
    expect(() => loadServerConfig({ SERVER_SECRET: 'short-secret' })).toThrow(/SERVER_SECRET must be at least 16 characters$/);
  });

  it('never repeats the admin token in a configuration error', () => {
    expect(() => loadServerConfig({ ADMIN_TOKEN: 'secret' })).toThrow(/ADMIN_TOKEN must be at least 8 characters$/);
  });

  describe('gibb sources', () => {
    it('run the gibber alone by default, and whatever the variables imply', () => {
      expect(loadServerConfig({}).gibbSources).toEqual({
        enabled: ['gibber'],
        gibber: { perClientLimit: 5, windowMs: 30_000 },
        x: undefined,
        replay: undefined,
      });
      const config = loadServerConfig({
        X_BEARER_TOKEN: 'tok',
        X_TERMS: '#MKTD, banana market',
        GIBB_REPLAY_FILE: 'samples/gibbs-evening.jsonl',
        GIBB_REPLAY_SPEED: '2.5',
        GIBB_REPLAY_LOOP: 'yes',
      });
      expect(config.gibbSources).toMatchObject({
        enabled: ['gibber', 'x', 'replay'],
        x: { bearerToken: 'tok', terms: ['#MKTD', 'banana market'], apiUrl: 'https://api.x.com', searchIntervalMs: 15_000 },
        replay: { file: 'samples/gibbs-evening.jsonl', speed: 2.5, loop: true },
      });
      expect(loadServerConfig({ GIBB_SOURCES: 'replay', GIBB_REPLAY_FILE: 'f.jsonl', X_BEARER_TOKEN: 'tok' }).gibbSources).toMatchObject({
        enabled: ['replay'],
        x: undefined,
      });
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
      expect(failure?.stderr).not.toMatch(/ {4}at /);
    });

    it('exits with code 1 and one line naming a misspelt GAME_RULES key', async () => {
      const failure = await run(process.execPath, [mainJs], { env: { ...process.env, GAME_RULES: '{"startCoin":20}' } }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toBe('banana-market: invalid configuration:\n  - GAME_RULES.startCoin: not a rule; did you mean startCoins?\n');
    });
  });
});
