/**
 * GET /api/report: the game told after the fact (or while it runs), built
 * from the game's own topics — prices, game events, answers — so it also
 * holds after a restart and on Kafka. What the /report page charts.
 */
import { z } from 'zod';

const minuteDelta = z.object({ minute: z.number().int().nonnegative(), delta: z.number() }).nullable();

export const gameReportSchema = z.object({
  /** When the report's minutes count from (ISO: the first price of the game). */
  startedAt: z.string().nullable(),
  /** The price (coins) and the hype at each sampled tick: [ms after startedAt, price, hype]. */
  prices: z.array(z.tuple([z.number(), z.number(), z.number()])),
  /** Bubble bursts: when they started (ms after startedAt) and how many steps they took. */
  bursts: z.array(z.object({ at: z.number(), steps: z.number().int() })),
  /** Bailouts: when, and whose. */
  bailouts: z.array(z.object({ at: z.number(), team: z.string(), name: z.string() })),
  /** How many minutes the game has lasted (started ones count). */
  minutes: z.number().int().nonnegative(),
  /**
   * Each team's score at the end of each step of `stepMs` (a minute; finer for a game under an hour, so
   * that a short game still draws a line): `teams[team][i]` is at (i + 1) × stepMs after startedAt.
   */
  teamScores: z.object({ stepMs: z.number().int().positive(), teams: z.record(z.string(), z.array(z.number())) }),
  traders: z.array(
    z.object({
      team: z.string(),
      name: z.string(),
      /** Orders answered: accepted, refused by the rules (INSUFFICIENT_*), or rejected. */
      actions: z.number().int().nonnegative(),
      accepted: z.number().int().nonnegative(),
      /** Every answer that was not ACCEPTED, by status or rejection reason (`RATE_LIMITED`, `the game is paused`, …). */
      refused: z.record(z.string(), z.number().int().nonnegative()),
      fedMonkeys: z.number(),
      bailouts: z.number().int().nonnegative(),
      score: z.number(),
      /** The minute the trader's score rose most, and fell most. */
      bestMinute: minuteDelta,
      worstMinute: minuteDelta,
    }),
  ),
});
export type GameReport = z.infer<typeof gameReportSchema>;
