/**
 * The server's configuration, read from the environment and validated before
 * anything starts: a coach with a typo in a variable gets one clear line
 * naming it, not a stack trace halfway through a game.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { gameRulesSchema, type GameRules } from '@banana-market/engine';
import { gibbSourcesEnvSchema, gibbSourcesFromEnv, type GibbSourcesConfig } from './gibb-sources-config.js';

const intFromEnv = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const brokerList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const brokers = raw.split(',').map((b) => b.trim()).filter((b) => b !== '');
    for (const broker of brokers) {
      if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
        ctx.addIssue({ code: 'custom', message: `KAFKA_BROKERS must be host:port[,host:port...], got "${broker}"` });
        return z.NEVER;
      }
    }
    return brokers;
  });

const rulesFromJson = z
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
  });

export const serverEnvSchema = z.object({
  PORT: intFromEnv('PORT', 0, 65_535, 3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ADMIN_TOKEN: z.string().min(8, { message: 'ADMIN_TOKEN must be at least 8 characters' }).optional(),
  GAME_SEED: z.string().min(1).max(200).optional(),
  TICK_MS: intFromEnv('TICK_MS', 10, 60_000, 1000),
  HOUSE_BOTS: intFromEnv('HOUSE_BOTS', 0, 100, 3),
  KAFKA_BROKERS: brokerList,
  GAME_RULES: rulesFromJson,
}).extend(gibbSourcesEnvSchema.shape);

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly adminToken: string;
  /** True when the admin token was generated here and must be shown to the coach. */
  readonly adminTokenGenerated: boolean;
  readonly seed: string;
  readonly seedGenerated: boolean;
  readonly houseBots: number;
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly rules: GameRules;
  readonly gibbSources: GibbSourcesConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = serverEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'env'}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  const rulesInput = typeof e.GAME_RULES === 'object' && e.GAME_RULES !== null ? e.GAME_RULES : {};
  const rules = gameRulesSchema.safeParse({ ...rulesInput, tickMs: e.TICK_MS });
  if (!rules.success) {
    throw new ConfigError(
      `invalid configuration:\n${rules.error.issues.map((i) => `  - GAME_RULES.${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
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
    seed: e.GAME_SEED ?? randomBytes(6).toString('hex'),
    seedGenerated: e.GAME_SEED === undefined,
    houseBots: e.HOUSE_BOTS,
    kafkaBrokers: e.KAFKA_BROKERS,
    rules: rules.data,
    gibbSources: gibbSources.config,
  };
}

/** Nest injection token for the validated ServerConfig. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
