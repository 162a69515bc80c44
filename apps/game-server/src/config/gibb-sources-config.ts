/**
 * Where gibbs come from: the room's gibber page, the X API, a replay file.
 * Several can run at once; each is switched on by the variables it needs, or
 * explicitly by GIBB_SOURCES, so a coach sees at start (not mid-game) that a
 * source cannot run.
 */
import { z } from 'zod';
import { GIBB_SOURCE_NAMES, type GibbSourceName } from '@banana-market/protocol';
import { booleanFromEnv, fromEnv, numberFromEnv } from './env-variables.js';

export interface XSourceConfig {
  /** Kept out of every log line, error and status (see redactSecret). */
  readonly bearerToken: string;
  /** Terms of the filtered-stream rule and of the search query, OR-ed: `#MKTD OR banana`. */
  readonly terms: readonly string[];
  /** The API's base URL; a test points it at a local fake of X. */
  readonly apiUrl: string;
  /** How often recent search is polled when the token cannot stream. */
  readonly searchIntervalMs: number;
}

export interface ReplaySourceConfig {
  readonly file: string;
  /** 1 = the recorded pace, 10 = ten times faster. */
  readonly speed: number;
  readonly loop: boolean;
}

export interface GibberConfig {
  /** Gibbs one client (one IP) may post per window; the admin token is not limited. */
  readonly perClientLimit: number;
  readonly windowMs: number;
}

export interface GibbSourcesConfig {
  readonly enabled: readonly GibbSourceName[];
  readonly gibber: GibberConfig;
  readonly x: XSourceConfig | undefined;
  readonly replay: ReplaySourceConfig | undefined;
}

const text = fromEnv(z.string().optional());

const sourceList = text.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !(GIBB_SOURCE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `GIBB_SOURCES must list sources among ${GIBB_SOURCE_NAMES.join(', ')}; unknown: ${unknown.join(', ')}` });
    return z.NEVER;
  }
  return [...new Set(names)] as GibbSourceName[];
});

const httpsUrl = fromEnv(
  z
    .url({ protocol: /^https$/, error: 'X_API_URL must be an https:// URL (twitter-api-v2 speaks HTTPS only)' })
    .default('https://api.x.com')
    .transform((raw) => {
      const url = new URL(raw);
      return url.origin + url.pathname.replace(/\/+$/, '');
    }),
);

export const gibbSourcesEnvSchema = z.object({
  GIBB_SOURCES: sourceList,
  X_BEARER_TOKEN: text,
  X_TERMS: text,
  X_API_URL: httpsUrl,
  X_SEARCH_INTERVAL_MS: numberFromEnv('X_SEARCH_INTERVAL_MS', { min: 1000, max: 3_600_000, fallback: 15_000, integer: true }),
  GIBB_REPLAY_FILE: text,
  GIBB_REPLAY_SPEED: numberFromEnv('GIBB_REPLAY_SPEED', { min: 0.01, max: 10_000, fallback: 1, integer: false }),
  GIBB_REPLAY_LOOP: booleanFromEnv('GIBB_REPLAY_LOOP', false),
  GIBBER_LIMIT: numberFromEnv('GIBBER_LIMIT', { min: 1, max: 10_000, fallback: 5, integer: true }),
  GIBBER_WINDOW_MS: numberFromEnv('GIBBER_WINDOW_MS', { min: 1000, max: 3_600_000, fallback: 30_000, integer: true }),
});

export type GibbSourcesEnv = z.infer<typeof gibbSourcesEnvSchema>;

/** Turns validated variables into the sources to run; returns problems instead of throwing, like the rest of the config. */
export function gibbSourcesFromEnv(env: GibbSourcesEnv): { config?: GibbSourcesConfig; problems: string[] } {
  const problems: string[] = [];
  const implied: GibbSourceName[] = ['gibber'];
  if (env.X_BEARER_TOKEN !== undefined) implied.push('x');
  if (env.GIBB_REPLAY_FILE !== undefined) implied.push('replay');
  const enabled = env.GIBB_SOURCES ?? implied;
  if (enabled.includes('x') && env.X_BEARER_TOKEN === undefined) problems.push('GIBB_SOURCES: the x source needs X_BEARER_TOKEN');
  if (enabled.includes('replay') && env.GIBB_REPLAY_FILE === undefined) problems.push('GIBB_SOURCES: the replay source needs GIBB_REPLAY_FILE');
  const terms = (env.X_TERMS ?? '#MKTD')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (terms.length === 0) problems.push('X_TERMS must list at least one term, e.g. "#MKTD,banana"');
  if (problems.length > 0) return { problems };
  return {
    problems,
    config: {
      enabled,
      gibber: { perClientLimit: env.GIBBER_LIMIT, windowMs: env.GIBBER_WINDOW_MS },
      x:
        enabled.includes('x') && env.X_BEARER_TOKEN !== undefined
          ? { bearerToken: env.X_BEARER_TOKEN, terms, apiUrl: env.X_API_URL, searchIntervalMs: env.X_SEARCH_INTERVAL_MS }
          : undefined,
      replay:
        enabled.includes('replay') && env.GIBB_REPLAY_FILE !== undefined
          ? { file: env.GIBB_REPLAY_FILE, speed: env.GIBB_REPLAY_SPEED, loop: env.GIBB_REPLAY_LOOP }
          : undefined,
    },
  };
}
