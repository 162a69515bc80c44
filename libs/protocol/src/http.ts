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

/** How players join (REGISTRATION): anyone, with their team's join code, or nobody more. */
export const REGISTRATION_MODES = ['open', 'codes', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** The characters of a join code: no 0/O, 1/I/L to misread from a printed sheet. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 8;

/** A join code as typed: case, spaces and dashes do not matter. */
export function normalizeJoinCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export const registerTraderBodySchema = traderKeySchema.extend({
  /** The team's join code, when the coach hands them out (REGISTRATION=codes). */
  code: z.string({ message: 'expected a string' }).max(64, { message: 'expected at most 64 characters' }).optional(),
});
export type RegisterTraderBody = z.infer<typeof registerTraderBodySchema>;

/** The coach creates teams for registration with join codes (POST /api/teams, admin). */
export const createTeamsBodySchema = z.object({
  teams: z.array(traderKeySchema.shape.team).min(1, { message: 'expected at least one team' }).max(100, { message: 'expected at most 100 teams' }),
});
export type CreateTeamsBody = z.infer<typeof createTeamsBodySchema>;

/** The teams with their join codes (POST and GET /api/teams, admin). */
export const teamListSchema = z.object({
  registration: z.enum(REGISTRATION_MODES),
  teams: z.array(z.object({ team: z.string(), code: z.string(), traders: z.number().int().nonnegative() })),
});
export type TeamList = z.infer<typeof teamListSchema>;
export const registeredTraderSchema = traderKeySchema.extend({ token: z.string() });
export type RegisteredTrader = z.infer<typeof registeredTraderSchema>;

/** How a trader reached this server lately: its gateways, or orders it did not write (Kafka clients, another server). */
export const TRADER_PATHS = ['http', 'websocket', 'kafka'] as const;

/** One trader in the coach's list (`GET /api/traders`, admin): who plays, how, and how hard, as this server sees it. */
export const traderActivitySchema = traderKeySchema.extend({
  /** Removed by the coach (`DELETE /api/traders/{team}/{name}`): its token no longer works, its orders are refused. */
  removed: z.boolean(),
  /** WebSocket connections signed in as the trader on this server now. */
  sockets: z.number().int().nonnegative(),
  /** The paths its actions came by in the last minute. */
  paths: z.array(z.enum(TRADER_PATHS)),
  /** When its last action was answered, or null. */
  lastActionAt: z.iso.datetime().nullable(),
  /** Actions answered in the last minute (accepted, refused by the rules, or rejected). */
  actionsLastMinute: z.number().int().nonnegative(),
  /** Actions rejected since this server started (txn-rejections), of which over the rate limit. */
  rejections: z.number().int().nonnegative(),
  rateLimited: z.number().int().nonnegative(),
});
export type TraderActivity = z.infer<typeof traderActivitySchema>;
export const traderListSchema = z.object({ traders: z.array(traderActivitySchema) });
export type TraderList = z.infer<typeof traderListSchema>;

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

/** POST /api/game/extend: how many minutes the game gets on top of its length. */
export const extendGameBodySchema = z.strictObject({
  minutes: z
    .number({ message: 'expected minutes as a number' })
    .positive({ message: 'expected a positive number of minutes' })
    .max(24 * 60, { message: 'expected at most 1440 minutes (a day)' }),
});
export type ExtendGameBody = z.infer<typeof extendGameBodySchema>;

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
/** GET /api/room: where the room joins this server (each LAN address), and its gibber page. */
export const roomViewSchema = z.object({ join: z.array(z.string()), gibber: z.string() });
export type RoomView = z.infer<typeof roomViewSchema>;

export const API_PATHS = Object.freeze({
  health: '/api/health',
  market: '/api/market',
  traders: '/api/traders',
  teams: '/api/teams',
  coachTeamsPage: '/coach/teams',
  coachPage: '/coach/',
  room: '/api/room',
  morningReports: '/api/morning/reports',
  morningBoard: '/api/morning',
  coachMorningPage: '/coach/morning',
  coachPriceAlerts: '/api/coach/price-alerts',
  standings: '/api/standings',
  report: '/api/report',
  history: '/api/history',
  traderPage: '/trader/',
  reportPage: '/report/',
  standingsCsv: '/api/standings.csv',
  start: '/api/game/start',
  extend: '/api/game/extend',
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
