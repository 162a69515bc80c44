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

/** GET /api/traders/{team}/{name}: one trader's page (public, like the scoreboard), and its JSON twin for bots. */
export const traderPageSchema = z.object({
  team: z.string(),
  name: z.string(),
  /** Its state now (null: not known here yet). */
  state: z
    .object({ coins: z.number(), shares: z.number(), fedMonkeys: z.number(), bailouts: z.number(), inFlightInvestments: z.number() })
    .nullable(),
  score: z.number(),
  /** Its rank in the game and in its team (1 is first); null: not on the leaderboard. */
  rank: z
    .object({ game: z.number().int().positive(), team: z.number().int().positive(), traders: z.number().int(), teamTraders: z.number().int() })
    .nullable(),
  /** Its state after each answer, oldest first: [ISO time, score, coins, shares, fedMonkeys] (at most 600, evenly kept). */
  history: z.array(z.tuple([z.string(), z.number(), z.number(), z.number(), z.number()])),
  /** The last 100 answers, newest first: accepted, refused by the rules (INSUFFICIENT_*), rejected with the reason, payouts. */
  actions: z.array(z.object({ time: z.string(), txnId: z.string(), type: z.string(), status: z.string(), reason: z.string().optional() })),
  /** Plantations in flight: coins planted and when they pay (null: another server of the game holds the trader). */
  plantations: z.array(z.object({ invested: z.number(), dueAt: z.string() })).nullable(),
});
export type TraderPage = z.infer<typeof traderPageSchema>;
