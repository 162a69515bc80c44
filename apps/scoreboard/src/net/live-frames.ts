/**
 * The frames a spectator reads from the /ws feed: the protocol's own server
 * frames (@banana-market/protocol defines and checks them), narrowed to the
 * events the board draws.
 */
import { parseServerFrame, type ParsedFrame, type ServerFrame } from '@banana-market/protocol';

export const SPECTATOR_EVENTS = ['welcome', 'price', 'leaderboard', 'game-event', 'gibb', 'health', 'price-alert'] as const;
export type LiveFrame = Extract<ServerFrame, { event: (typeof SPECTATOR_EVENTS)[number] }>;

/**
 * Parses one WebSocket message. Events a spectator does not use (trader
 * results, errors) give `frame: undefined`; a malformed frame gives a problem
 * naming the field, so a protocol drift shows in the console instead of a
 * silently wrong board.
 */
export function parseLiveFrame(raw: string): ParsedFrame<LiveFrame> {
  return parseServerFrame(raw, SPECTATOR_EVENTS);
}

export type { GameEvent, Gibb, LeaderboardView, LivePrice, LivePriceAlert, MarketView, ServerHealth, Welcome } from '@banana-market/protocol';
