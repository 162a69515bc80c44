/**
 * The WebSocket protocol at /ws: `{"event": name, "data": payload}` JSON
 * frames. Server → client frames are pushed (the live feed, and a trader's
 * own results once authenticated); client → server frames authenticate and
 * act. Both directions are defined here once, with their schemas, so the
 * server builds typed frames and every client reads them with the same check.
 */
import { z } from 'zod';
import { type ACTIONS, ACTION_LIST, type ActionKind } from './actions.js';
import { validate } from './codec.js';
import { livePriceAlertSchema } from './live-alerts.js';
import {
  gameEventSchema,
  gibbSchema,
  seedCommitmentSchema,
  sharePriceSchema,
  traderKeySchema,
  traderStateSchema,
  txnIdSchema,
  txnResultSchema,
} from './schemas.js';
import { leaderboardSchema, marketViewSchema } from './views.js';

/**
 * The first frame every connection gets: enough to draw the whole board. The
 * game's seed is secret while it runs: `seedCommitment` (its SHA-256) is
 * always there, `seed` only once the game has ended.
 */
export const welcomeSchema = z.object({
  market: marketViewSchema,
  leaderboard: leaderboardSchema,
  seedCommitment: seedCommitmentSchema,
  seed: z.string().optional(),
  tickMs: z.number().positive(),
  /** The recent past (see recentHistorySchema); absent from older servers. */
  get history() {
    return recentHistorySchema.optional();
  },
});
export type Welcome = z.infer<typeof welcomeSchema>;

/** A price tick on the feed: the share-price message plus the hype and tick number. */
export const livePriceSchema = sharePriceSchema.extend({
  hype: z.number(),
  tick: z.number().int(),
  /** What a coin planted now is expected to earn (0.05: +5 %), for a trader with nothing growing. */
  plantationYield: z.number().optional(),
  /** Game time left at this tick (GAME_DURATION); null or absent: no end. */
  remainingMs: z.number().nonnegative().nullable().optional(),
});
export type LivePrice = z.infer<typeof livePriceSchema>;

/**
 * What a screen that was always open would show (issue #20): the last 5 minutes of price frames, the last
 * 20 gibbs and the game's recent events (their hype marks and banners), as the server's live feed carried
 * them since it started. In the WebSocket `welcome` and at GET /api/history.
 */
export const recentHistorySchema = z.object({
  prices: z.array(livePriceSchema),
  gibbs: z.array(gibbSchema),
  events: z.array(gameEventSchema),
});
export type RecentHistory = z.infer<typeof recentHistorySchema>;
/** How much the history keeps. */
export const RECENT_HISTORY = Object.freeze({ priceWindowMs: 5 * 60_000, gibbs: 20, events: 50 });

export const authenticatedSchema = traderKeySchema.extend({ state: traderStateSchema.nullable() });
export type Authenticated = z.infer<typeof authenticatedSchema>;

/** A request the server refused outright, with its txnId when one could be read. */
export const wsErrorSchema = z.object({
  message: z.string(),
  txnId: txnIdSchema.optional(),
  /** A machine-readable reason, when there is one (RATE_LIMITED). */
  code: z.string().optional(),
  /** With RATE_LIMITED: how long until the trader may act again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type WsError = z.infer<typeof wsErrorSchema>;

/**
 * Whether the server reaches its message broker: pushed to every socket when
 * it changes, and after the welcome while degraded. While degraded the game is
 * frozen and actions are refused (REJECTED, reason starting with BROKER_UNAVAILABLE).
 */
export const serverHealthSchema = z.object({ status: z.enum(['ok', 'degraded']), reason: z.string().optional() });
export type ServerHealth = z.infer<typeof serverHealthSchema>;

export const SERVER_FRAME_SCHEMAS = Object.freeze({
  welcome: welcomeSchema,
  price: livePriceSchema,
  leaderboard: leaderboardSchema,
  'game-event': gameEventSchema,
  gibb: gibbSchema,
  'txn-result': txnResultSchema,
  'trader-state': traderStateSchema,
  authenticated: authenticatedSchema,
  error: wsErrorSchema,
  health: serverHealthSchema,
  /** A participant's chapter-05 alert from their `--live` run, while the coach shows them on the ticker. */
  'price-alert': livePriceAlertSchema,
});
export type ServerEvent = keyof typeof SERVER_FRAME_SCHEMAS;
export type ServerFrame = { [E in ServerEvent]: { readonly event: E; readonly data: z.infer<(typeof SERVER_FRAME_SCHEMAS)[E]> } }[ServerEvent];
export type ServerFrameData<E extends ServerEvent> = z.infer<(typeof SERVER_FRAME_SCHEMAS)[E]>;

export const authSchema = z.object({ token: z.string({ message: 'expected the trader token string' }).min(1) });

export const CLIENT_FRAME_SCHEMAS = Object.freeze({
  auth: authSchema,
  ...(Object.fromEntries(ACTION_LIST.map((a) => [a.wsEvent, a.bodySchema])) as {
    [K in ActionKind as (typeof ACTIONS)[K]['wsEvent'] & string]: (typeof ACTIONS)[K]['bodySchema'];
  }),
});
export type ClientEvent = keyof typeof CLIENT_FRAME_SCHEMAS;
export type ClientFrame = { [E in ClientEvent]: { readonly event: E; readonly data: z.infer<(typeof CLIENT_FRAME_SCHEMAS)[E]> } }[ClientEvent];

/** Event names, for code that switches on them. */
export const WS_SERVER_EVENTS = Object.freeze({
  welcome: 'welcome',
  price: 'price',
  leaderboard: 'leaderboard',
  gameEvent: 'game-event',
  gibb: 'gibb',
  txnResult: 'txn-result',
  traderState: 'trader-state',
  authenticated: 'authenticated',
  error: 'error',
  health: 'health',
  priceAlert: 'price-alert',
} as const satisfies Record<string, ServerEvent>);

export const WS_CLIENT_EVENTS = Object.freeze({
  auth: 'auth',
  ...(Object.fromEntries(ACTION_LIST.map((a) => [a.kind, a.wsEvent])) as { [K in ActionKind]: (typeof ACTIONS)[K]['wsEvent'] }),
});

export interface WsFrame<T = unknown> {
  readonly event: string;
  readonly data: T;
}

/** A typed frame, ready for JSON.stringify. */
export function serverFrame<E extends ServerEvent>(event: E, data: ServerFrameData<E>): { event: E; data: ServerFrameData<E> } {
  return { event, data };
}

export type ParsedFrame<F> = { ok: true; frame: F } | { ok: true; frame: undefined } | { ok: false; problem: string };

function parseFrame<F>(raw: string, schemas: Readonly<Record<string, z.ZodType>>): ParsedFrame<F> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'frame: expected JSON text' };
  }
  const envelope = json as { event?: unknown; data?: unknown } | null;
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.event !== 'string') {
    return { ok: false, problem: 'frame.event: expected the event name string' };
  }
  const schema = Object.hasOwn(schemas, envelope.event) ? schemas[envelope.event] : undefined;
  if (schema === undefined) return { ok: true, frame: undefined };
  const data = validate(schema, envelope.data, `${envelope.event}.data`, true);
  if (!data.ok) return { ok: false, problem: data.error.message };
  return { ok: true, frame: { event: envelope.event, data: data.value } as F };
}

/**
 * Reads one server frame. An event this client does not know gives
 * `frame: undefined` (a newer server may add events); a malformed frame gives
 * a problem naming the field, so protocol drift shows instead of wrong data.
 */
export function parseServerFrame(raw: string): ParsedFrame<ServerFrame>;
/** Reads only the given events; any other event gives `frame: undefined`, unchecked (e.g. a spectator ignores results). */
export function parseServerFrame<E extends ServerEvent>(raw: string, events: readonly E[]): ParsedFrame<Extract<ServerFrame, { event: E }>>;
export function parseServerFrame(raw: string, events?: readonly ServerEvent[]): ParsedFrame<ServerFrame> {
  const schemas = events === undefined ? SERVER_FRAME_SCHEMAS : Object.fromEntries(events.map((e) => [e, SERVER_FRAME_SCHEMAS[e]]));
  return parseFrame(raw, schemas);
}
