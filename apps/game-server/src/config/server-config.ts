/**
 * The server's configuration, read from the environment and validated before
 * anything starts: a coach with a typo in a variable gets one clear line
 * naming it, not a stack trace halfway through a game.
 */
import { randomBytes } from 'node:crypto';
import { closest, distance } from 'fastest-levenshtein';
import ms from 'ms';
import { z } from 'zod';
import {
  DEFAULT_ACTION_RATE_LIMIT,
  KAFKA_ORDER_MODES,
  PROTOCOL_LIMITS,
  REGISTRATION_MODES,
  type ActionRateLimit,
  type KafkaOrderMode,
  type RegistrationMode,
} from '@banana-market/protocol';
import { SASL_MECHANISMS, type SaslCredentials } from '@banana-market/kafka';
import { gameRulesSchema, makeRules, RULE_PRESETS, type GameRules, type RulePreset } from '@banana-market/engine';
import { booleanFromEnv, fromEnv, numberFromEnv, optionalNumberFromEnv } from './env-variables.js';
import { gibbSourcesEnvSchema, gibbSourcesFromEnv, type GibbSourcesConfig } from './gibb-sources-config.js';

const brokerList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const brokers = raw
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    for (const broker of brokers) {
      if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
        ctx.addIssue({ code: 'custom', message: `KAFKA_BROKERS must be host:port[,host:port...], got "${broker}"` });
        return z.NEVER;
      }
    }
    return brokers;
  });

/** GAME_DURATION's bounds: a game of a few seconds is a test's, one over a day a typo's. */
const MIN_GAME_MS = 10_000;
const MAX_GAME_MS = 24 * 3_600_000;
const DURATION_MESSAGE = 'GAME_DURATION must be a length with its unit, from 10s to 24h (e.g. 90m, 2h, 45s)';

/** GAME_DURATION: `90m`, `2h`, `45s` (the `ms` package's spellings, with a unit); unset: no end. */
const gameDuration = fromEnv(
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      // A bare number would be milliseconds to `ms`: a coach who writes 90 means minutes, so a unit is required.
      const length = /[a-z]\s*$/i.test(raw) ? ms(raw as ms.StringValue) : undefined;
      if (length === undefined || !Number.isFinite(length) || length < MIN_GAME_MS || length > MAX_GAME_MS) {
        ctx.addIssue({ code: 'custom', message: `${DURATION_MESSAGE}, got ${JSON.stringify(raw)}` });
        return z.NEVER;
      }
      return Math.round(length);
    }),
);

/** GAME_START: `auto` (the game starts with the server) or `manual` (the lobby waits for POST /api/game/start). */
export const GAME_START_MODES = ['auto', 'manual'] as const;

/** Relative to where `npm start` runs: the repository's root. */
export const DEFAULT_DATA_DIR = './.banana-data';

const TEAM_MESSAGE = 'expected 1-32 characters among A-Z a-z 0-9 _ -';

/** GAME_TEAMS: the teams of a closed room (a 2018 room: its clients know five teams only). */
const teamList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const teams = [
      ...new Set(
        raw
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      ),
    ];
    for (const team of teams) {
      if (!PROTOCOL_LIMITS.teamPattern.test(team)) {
        ctx.addIssue({ code: 'custom', message: `GAME_TEAMS must be comma-separated team names (${TEAM_MESSAGE}), got "${team}"` });
        return z.NEVER;
      }
    }
    return teams;
  });

const RULE_NAMES = Object.keys(gameRulesSchema.shape);

/**
 * GAME_RULES as the engine's own rules schema, strict: a misspelt rule stops
 * the server (see unknownRuleMessage) instead of being dropped.
 */
/** Each rule, optional and without its default: GAME_RULES overrides the preset's numbers, not the defaults'. */
const ruleOverrideShape = Object.fromEntries(
  Object.entries(gameRulesSchema.shape).map(([name, rule]) => [name, (rule instanceof z.ZodDefault ? rule.unwrap() : rule).optional()]),
) as unknown as { [K in keyof typeof gameRulesSchema.shape]: z.ZodOptional<z.ZodType<z.output<(typeof gameRulesSchema.shape)[K]>>> };
const gameRulesOverrides = z.strictObject(ruleOverrideShape, {
  error: (issue) => (issue.code === 'invalid_type' ? 'GAME_RULES must be a JSON object of rule overrides, e.g. {"startCoins":20}' : undefined),
});

const gameRulesFromJson = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return {};
    try {
      return JSON.parse(raw) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `GAME_RULES must be a JSON object of rule overrides: ${(err as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(gameRulesOverrides);

export const serverEnvSchema = z
  .object({
    PORT: numberFromEnv('PORT', { min: 0, max: 65_535, fallback: 3000, integer: true }),
    HOST: z.string().min(1, { error: 'HOST must be an interface name or address' }).default('0.0.0.0'),
    ADMIN_TOKEN: z.string().min(8, { error: 'ADMIN_TOKEN must be at least 8 characters' }).optional(),
    GAME_SEED: z
      .string()
      .min(1, { error: 'GAME_SEED must be 1 to 200 characters' })
      .max(200, { error: 'GAME_SEED must be 1 to 200 characters' })
      .optional(),
    TICK_MS: numberFromEnv('TICK_MS', { min: 10, max: 60_000, fallback: 1000, integer: true }),
    GAME_DURATION: gameDuration,
    /** `debug` also prints Nest's start-up lines (modules, routes) and debug messages. */
    LOG_LEVEL: fromEnv(z.enum(['info', 'debug'], { error: 'LOG_LEVEL must be one of info, debug' }).default('info')),
    GAME_START: fromEnv(z.enum(GAME_START_MODES, { error: `GAME_START must be one of ${GAME_START_MODES.join(', ')}` }).default('auto')),
    HOUSE_BOTS: numberFromEnv('HOUSE_BOTS', { min: 0, max: 100, fallback: 3, integer: true }),
    KAFKA_BROKERS: brokerList,
    /** The server's user on a secured broker (`npm run kafka:start -- --secure` prints them). */
    KAFKA_SASL_USERNAME: fromEnv(z.string().optional()),
    KAFKA_SASL_PASSWORD: fromEnv(z.string().optional()),
    KAFKA_SASL_MECHANISM: fromEnv(
      z.enum(SASL_MECHANISMS, { error: `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}` }).default('scram-sha-256'),
    ),
    /** Whether an order written to Kafka by a player must be signed with its trader's token. */
    KAFKA_ORDERS: fromEnv(z.enum(KAFKA_ORDER_MODES, { error: `KAFKA_ORDERS must be one of ${KAFKA_ORDER_MODES.join(', ')}` }).default('open')),
    /**
     * The game's secret, shared by every server of the game: it seals the stored game, signs the server's
     * records and derives the join codes and tokens (unset: DATA_DIR's state.key, made on the first start).
     */
    SERVER_SECRET: fromEnv(z.string().min(16, { error: 'SERVER_SECRET must be at least 16 characters' }).optional()),
    /** Where the embedded bus keeps the game, and the key that seals its record (empty: nothing is kept). */
    DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
    GAME_TEAMS: teamList,
    HOUSE_TEAM: fromEnv(
      z
        .string()
        .regex(PROTOCOL_LIMITS.teamPattern, { error: `HOUSE_TEAM must be a team name (${TEAM_MESSAGE})` })
        .default('HOUSE'),
    ),
    /** Actions per second each trader may sustain on every path (0: no limit), and how many at once after a pause. */
    ACTION_RATE: numberFromEnv('ACTION_RATE', { min: 0, max: 100_000, fallback: DEFAULT_ACTION_RATE_LIMIT.perSecond, integer: false }),
    ACTION_BURST: optionalNumberFromEnv('ACTION_BURST', { min: 1, max: 1_000_000, integer: true, unset: 'twice ACTION_RATE' }),
    /** Who may register: anyone, players with their team's join code, or nobody more. */
    REGISTRATION: fromEnv(z.enum(REGISTRATION_MODES, { error: `REGISTRATION must be one of ${REGISTRATION_MODES.join(', ')}` }).default('open')),
    /** Whether the house bots count in the standings (the leaderboard, the scoreboard). */
    HOUSE_IN_STANDINGS: booleanFromEnv('HOUSE_IN_STANDINGS', true),
    /** Whether the morning's exercise reports are taken (POST /api/morning/reports, the /coach/morning grid). */
    EXERCISES_REPORTS: fromEnv(z.enum(['on', 'off'], { error: 'EXERCISES_REPORTS must be one of on, off' }).default('on')),
    GAME_RULES: gameRulesFromJson,
    /** The rules GAME_RULES overrides: the balanced defaults, or the 2018 game's numbers (mktd2018). */
    GAME_RULES_PRESET: fromEnv(
      z
        .enum(Object.keys(RULE_PRESETS) as [RulePreset, ...RulePreset[]], {
          error: `GAME_RULES_PRESET must be one of ${Object.keys(RULE_PRESETS).join(', ')}`,
        })
        .default('default'),
    ),
  })
  .extend(gibbSourcesEnvSchema.shape);

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly adminToken: string;
  /** True when the admin token was generated here and must be shown to the coach. */
  readonly adminTokenGenerated: boolean;
  readonly seed: string;
  readonly seedGenerated: boolean;
  readonly houseBots: number;
  /** GAME_DURATION in ms: the game ends by itself this long after it starts (pauses excepted); undefined: no end. */
  readonly gameDurationMs: number | undefined;
  /** LOG_LEVEL: info, or debug (Nest's start-up lines too). */
  readonly logLevel: 'info' | 'debug';
  /** GAME_START: auto, or manual (the lobby, until POST /api/game/start). */
  readonly gameStart: (typeof GAME_START_MODES)[number];
  /** The teams that may register and trade (GAME_TEAMS); undefined: any team. */
  readonly gameTeams: readonly string[] | undefined;
  /** The house bots' team (HOUSE_TEAM). */
  readonly houseTeam: string;
  /** EXERCISES_REPORTS: whether the morning's progress reports are taken. */
  readonly exercisesReports: boolean;
  /** REGISTRATION: open, codes (the team's join code), closed. */
  readonly registration: RegistrationMode;
  /** HOUSE_IN_STANDINGS: false keeps the house bots off the leaderboard. */
  readonly houseInStandings: boolean;
  readonly kafkaBrokers: readonly string[] | undefined;
  /** KAFKA_SASL_*: the server's credentials on a secured broker. */
  readonly kafkaSasl: SaslCredentials | undefined;
  /** KAFKA_ORDERS: open, or signed (a player's order on Kafka counts only signed with its trader's token). */
  readonly kafkaOrders: KafkaOrderMode;
  /** SERVER_SECRET; undefined: DATA_DIR's state.key (or, without one, the admin token). */
  readonly serverSecret: string | undefined;
  /** DATA_DIR; undefined when empty (an embedded game then lives in memory only). */
  readonly dataDir: string | undefined;
  /** `--fresh`: the saved game is deleted and a new one starts. */
  readonly freshStart: boolean;
  readonly rules: GameRules;
  readonly gibbSources: GibbSourcesConfig;
  /** ACTION_RATE and ACTION_BURST (twice the rate unless given); perSecond 0: no limit. */
  readonly actionRateLimit: ActionRateLimit;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables whose values never appear in an error message. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['ADMIN_TOKEN', 'X_BEARER_TOKEN', 'SERVER_SECRET', 'KAFKA_SASL_PASSWORD']);

/** Parses the environment (and `--fresh`); throws a ConfigError listing every bad variable. */
export function loadServerConfig(env: Record<string, string | undefined>, options: { fresh?: boolean } = {}): ServerConfig {
  const parsed = serverEnvSchema.safeParse(env);
  if (!parsed.success) {
    // A Set: a value failing two checks (1e20 is neither a safe integer nor under the maximum) is one line.
    throw new ConfigError(`invalid configuration:\n${[...new Set(parsed.error.issues.flatMap((i) => problemLines(i, env)))].join('\n')}`);
  }
  const e = parsed.data;
  // TICK_MS takes precedence over GAME_RULES.tickMs (a valid tickMs there is accepted, and overridden).
  const rules: GameRules = makeRules({ ...e.GAME_RULES, tickMs: e.TICK_MS }, e.GAME_RULES_PRESET);
  if (e.GAME_TEAMS !== undefined && !e.GAME_TEAMS.includes(e.HOUSE_TEAM)) {
    throw new ConfigError(
      `invalid configuration:\n  - HOUSE_TEAM: must be one of the GAME_TEAMS (${e.GAME_TEAMS.join(', ')}), got ${JSON.stringify(e.HOUSE_TEAM)}`,
    );
  }
  if ((e.KAFKA_SASL_USERNAME === undefined) !== (e.KAFKA_SASL_PASSWORD === undefined)) {
    const missing = e.KAFKA_SASL_USERNAME === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD';
    throw new ConfigError(`invalid configuration:\n  - ${missing}: a secured broker needs both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  }
  const gibbSources = gibbSourcesFromEnv(e);
  if (gibbSources.config === undefined) {
    throw new ConfigError(`invalid configuration:\n${gibbSources.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    adminToken: e.ADMIN_TOKEN ?? randomBytes(18).toString('base64url'),
    adminTokenGenerated: e.ADMIN_TOKEN === undefined,
    // 128 random bits: the seed commitment published at start must not be brute-forceable during a game.
    seed: e.GAME_SEED ?? randomBytes(16).toString('hex'),
    seedGenerated: e.GAME_SEED === undefined,
    houseBots: e.HOUSE_BOTS,
    gameDurationMs: e.GAME_DURATION,
    gameStart: e.GAME_START,
    logLevel: e.LOG_LEVEL,
    gameTeams: e.GAME_TEAMS,
    houseTeam: e.HOUSE_TEAM,
    exercisesReports: e.EXERCISES_REPORTS === 'on',
    houseInStandings: e.HOUSE_IN_STANDINGS,
    registration: e.REGISTRATION,
    kafkaBrokers: e.KAFKA_BROKERS,
    kafkaSasl:
      e.KAFKA_SASL_USERNAME === undefined || e.KAFKA_SASL_PASSWORD === undefined
        ? undefined
        : { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD },
    kafkaOrders: e.KAFKA_ORDERS,
    serverSecret: e.SERVER_SECRET,
    dataDir: e.DATA_DIR.trim() === '' ? undefined : e.DATA_DIR,
    freshStart: options.fresh ?? false,
    rules,
    gibbSources: gibbSources.config,
    actionRateLimit: { perSecond: e.ACTION_RATE, burst: e.ACTION_BURST ?? Math.max(1, Math.ceil(e.ACTION_RATE * 2)) },
  };
}

/**
 * One line per problem, named by its path: `PORT`, `GAME_RULES.startCoins`.
 * A message of zod's own checks says what was expected; the text given is
 * added here (after z.coerce, zod itself only saw NaN), except for secrets.
 * Our own transforms (issue code "custom") already quote what they refused.
 */
function problemLines(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    // GAME_RULES is the only strict object: each unknown key is a misspelt or invented rule.
    return issue.keys.map((key) => `  - ${[...path, key].join('.')}: ${unknownRuleMessage(key)}`);
  }
  const [name] = path;
  const given = path.length === 1 && issue.code !== 'custom' && !SECRET_VARIABLES.has(name) ? env[name] : undefined;
  return [`  - ${path.join('.') || 'env'}: ${issue.message}${given === undefined ? '' : `, got ${JSON.stringify(given)}`}`];
}

function unknownRuleMessage(key: string): string {
  const nearest = nearestName(key, RULE_NAMES);
  return nearest === undefined ? `not a rule; the rules are ${RULE_NAMES.join(', ')}` : `not a rule; did you mean ${nearest}?`;
}

/** The candidate closest to `word` (ignoring case), if it is close enough to be a typo of it. */
function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const nearest = closest(
    word.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const typoDistance = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), nearest) <= typoDistance ? candidates.find((c) => c.toLowerCase() === nearest) : undefined;
}

/** Nest injection token for the validated ServerConfig. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
