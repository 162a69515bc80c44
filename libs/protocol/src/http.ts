/**
 * Request and response shapes of the server's HTTP and WebSocket API. The
 * action bodies are the protocol's order values without `time` (the server
 * stamps it) and with an optional `txnId` (the server makes one up).
 */
import { z } from 'zod';
import { ACTIONS, type ActionBodyOf, type ActionKind } from './actions.js';
import { gibbSchema, traderKeySchema } from './schemas.js';

export const marketActionBodySchema = ACTIONS.market.bodySchema;
export const investActionBodySchema = ACTIONS.invest.bodySchema;
export const feedActionBodySchema = ACTIONS.feed.bodySchema;
export type MarketActionBody = ActionBodyOf<'market'>;
export type InvestActionBody = ActionBodyOf<'invest'>;
export type FeedActionBody = ActionBodyOf<'feed'>;

/** Where an action is posted: the action table's HTTP path under /api/actions. */
export const ACTIONS_PATH = '/api/actions';
export function actionPath(kind: ActionKind): string {
  return `${ACTIONS_PATH}/${ACTIONS[kind].httpPath}`;
}

export const registerTraderBodySchema = traderKeySchema;
export const registeredTraderSchema = traderKeySchema.extend({ token: z.string() });
export type RegisteredTrader = z.infer<typeof registeredTraderSchema>;

export const postGibbBodySchema = gibbSchema.pick({ text: true });
export type PostGibbBody = z.infer<typeof postGibbBodySchema>;

/** The kinds of gibb source the server can run (see the README's "#MKTD gibbs"). */
export const GIBB_SOURCE_NAMES = ['gibber', 'x', 'replay'] as const;
export type GibbSourceName = (typeof GIBB_SOURCE_NAMES)[number];

/** What `GET /api/gibbs/sources` tells the coach about each source of gibbs. */
export const gibbSourceStatusSchema = z.object({
  name: z.enum(GIBB_SOURCE_NAMES),
  /** Delivering gibbs right now (connected, polling, playing, open). */
  live: z.boolean(),
  /** e.g. streaming, polling, waiting, connecting, playing, finished, open, stopped. */
  state: z.string(),
  /** One line for the coach: terms, file, limits; never a secret. */
  detail: z.string(),
  published: z.number().int(),
  duplicates: z.number().int(),
  skipped: z.number().int(),
  lastGibbAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type GibbSourceStatus = z.infer<typeof gibbSourceStatusSchema>;
export const gibbSourcesViewSchema = z.object({ sources: z.array(gibbSourceStatusSchema) });
export type GibbSourcesView = z.infer<typeof gibbSourcesViewSchema>;

/**
 * The coach's reset body, strict: a misspelt field (`{"sed":"…"}`) is refused
 * by name rather than ignored, which would reset the game with a random seed.
 */
export const resetGameBodySchema = z
  .strictObject({
    seed: z
      .string({ message: 'expected the seed as a string' })
      .min(1, { message: 'expected a seed of at least 1 character' })
      .max(200, { message: 'expected a seed of at most 200 characters' })
      .optional(),
  })
  .optional();

/**
 * The code of a refusal because the server cannot reach its message broker:
 * HTTP 503 with `code`, a REJECTED answer over WebSocket; try again later.
 */
export const BROKER_UNAVAILABLE = 'BROKER_UNAVAILABLE';

export const errorBodySchema = z.object({
  statusCode: z.number(),
  error: z.string(),
  /** A machine-readable reason, when there is one (BROKER_UNAVAILABLE, RATE_LIMITED). */
  code: z.string().optional(),
  message: z.string(),
  /** With RATE_LIMITED (HTTP 429): how long until the trader may act again; Retry-After says it in whole seconds. */
  retryAfterMs: z.number().int().nonnegative().optional(),
  problems: z.array(z.object({ field: z.string(), expected: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Paths of the HTTP API, relative to the server root. */
export const API_PATHS = Object.freeze({
  health: '/api/health',
  market: '/api/market',
  traders: '/api/traders',
  marketAction: actionPath('market'),
  investAction: actionPath('invest'),
  feedAction: actionPath('feed'),
  leaderboard: '/api/leaderboard',
  gibbs: '/api/gibbs',
  gibbSources: '/api/gibbs/sources',
  gibberPage: '/gibber',
  pause: '/api/game/pause',
  resume: '/api/game/resume',
  reset: '/api/game/reset',
  end: '/api/game/end',
  docs: '/api/docs',
  websocket: '/ws',
});
