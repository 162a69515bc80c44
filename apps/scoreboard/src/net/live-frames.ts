/**
 * The server → spectator frames of the /ws feed, checked with the protocol's
 * own schemas. The gateway builds `welcome` and `price` from SDK shapes plus a
 * few fields (seed, tickMs, hype, tick); they are composed here from those
 * schemas rather than redefined.
 */
import { z } from 'zod';
import {
  gameEventSchema,
  gibbSchema,
  leaderboardSchema,
  marketViewSchema,
  sharePriceSchema,
  validate,
  WS_SERVER_EVENTS,
  type GameEvent,
  type Gibb,
  type LeaderboardView,
  type MarketView,
} from '@banana-market/sdk';

export const welcomeSchema = z.object({
  market: marketViewSchema,
  leaderboard: leaderboardSchema,
  seed: z.string(),
  tickMs: z.number().positive(),
});
export type Welcome = z.infer<typeof welcomeSchema>;

export const livePriceSchema = sharePriceSchema.extend({ hype: z.number(), tick: z.number().int() });
export type LivePrice = z.infer<typeof livePriceSchema>;

export type LiveFrame =
  | { readonly event: 'welcome'; readonly data: Welcome }
  | { readonly event: 'price'; readonly data: LivePrice }
  | { readonly event: 'leaderboard'; readonly data: LeaderboardView }
  | { readonly event: 'game-event'; readonly data: GameEvent }
  | { readonly event: 'gibb'; readonly data: Gibb };

const frameSchemas = {
  [WS_SERVER_EVENTS.welcome]: welcomeSchema,
  [WS_SERVER_EVENTS.price]: livePriceSchema,
  [WS_SERVER_EVENTS.leaderboard]: leaderboardSchema,
  [WS_SERVER_EVENTS.gameEvent]: gameEventSchema,
  [WS_SERVER_EVENTS.gibb]: gibbSchema,
} as const;

export type ParsedFrame = { ok: true; frame: LiveFrame } | { ok: false; problem: string } | { ok: true; frame: undefined };

/**
 * Parses one WebSocket message. Events a spectator does not use (trader
 * results, errors) give `frame: undefined`; a malformed frame gives a problem
 * naming the field, so a protocol drift shows in the console instead of a
 * silently wrong board.
 */
export function parseLiveFrame(raw: string): ParsedFrame {
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
  const schema = frameSchemas[envelope.event as keyof typeof frameSchemas] as z.ZodType<unknown> | undefined;
  if (schema === undefined) return { ok: true, frame: undefined };
  const data = validate(schema, envelope.data, `${envelope.event}.data`, true);
  if (!data.ok) return { ok: false, problem: data.error.message };
  return { ok: true, frame: { event: envelope.event, data: data.value } as LiveFrame };
}

export type { GameEvent, Gibb, LeaderboardView, MarketView };
