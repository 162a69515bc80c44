/**
 * What the server shows of the game: the market and the leaderboard, as the
 * HTTP API answers them and the WebSocket feed pushes them. The engine builds
 * them; these schemas are their one definition.
 */
import { z } from 'zod';
import { gameStatusSchema } from './schemas.js';

export const marketViewSchema = z.object({
  price: z.number(),
  forecast: z.number(),
  hype: z.number(),
  time: z.string(),
  tick: z.number().int(),
  status: gameStatusSchema,
  /** When the game ends by itself (ISO-8601; while paused or in the lobby: if it went on now); null: no end. */
  endsAt: z.string().nullable().default(null),
  /** Game time left (frozen while paused); null: no end. */
  remainingMs: z.number().nonnegative().nullable().default(null),
});
export type MarketView = z.infer<typeof marketViewSchema>;

export const traderStandingSchema = z.object({
  team: z.string(),
  name: z.string(),
  score: z.number(),
  fedMonkeys: z.number(),
  bailouts: z.number(),
  coins: z.number(),
  shares: z.number(),
});
export const teamStandingSchema = z.object({ team: z.string(), score: z.number(), traders: z.number() });
export const leaderboardSchema = z.object({
  traders: z.array(traderStandingSchema),
  teams: z.array(teamStandingSchema),
});
export type LeaderboardView = z.infer<typeof leaderboardSchema>;
export type TraderStanding = z.infer<typeof traderStandingSchema>;
export type TeamStanding = z.infer<typeof teamStandingSchema>;

/**
 * GET /api/standings: the game's final (or current) standings, for the podium, the report and the
 * coach's records. The seed is shown once the game's end revealed it; house bots are flagged, and
 * ranked only when they count in the standings (HOUSE_IN_STANDINGS).
 */
export const standingsSchema = z.object({
  status: gameStatusSchema,
  seedCommitment: z.string(),
  seed: z.string().nullable(),
  /** When play began (ISO-8601); null: still in the lobby. */
  startedAt: z.string().nullable(),
  /** When the game ended; null: not ended. */
  endedAt: z.string().nullable(),
  /** The game's length (GAME_DURATION and extensions); null: no end. */
  durationMs: z.number().nullable(),
  teams: z.array(teamStandingSchema.extend({ rank: z.number().int().positive().nullable(), house: z.boolean() })),
  traders: z.array(traderStandingSchema.extend({ rank: z.number().int().positive().nullable(), house: z.boolean() })),
});
export type StandingsView = z.infer<typeof standingsSchema>;

/** The columns of GET /api/standings.csv, one row per trader. */
export const STANDINGS_CSV_COLUMNS = ['rank', 'team', 'name', 'score', 'fedMonkeys', 'bailouts', 'coins', 'shares', 'house'] as const;
