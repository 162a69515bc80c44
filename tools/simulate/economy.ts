/**
 * The economy's regression suite: every strategy of the gallery trades in the
 * same virtual-time game (a room), one game per seed, and each strategy's
 * scores, spread and wins are compared — plus how well the published forecast
 * predicts the next minute's price.
 */
import {
  correlation,
  DEFAULT_RULES,
  mean,
  runVirtualGame,
  STRATEGIES,
  standardDeviation,
  type GameRules,
  type Strategy,
} from '@banana-market/engine';
import { DEGENERATE } from './gallery/degenerate.js';
import { SKILLED } from './gallery/skilled.js';

export type StrategyKind = 'builtin' | 'skilled' | 'degenerate';

export interface GalleryEntry {
  readonly name: string;
  readonly kind: StrategyKind;
  /** A fresh strategy for one game (skilled ones remember what they planted). */
  readonly make: () => Strategy;
}

export const GALLERY: readonly GalleryEntry[] = [
  ...Object.entries(STRATEGIES).map(([name, strategy]) => ({ name, kind: 'builtin' as const, make: () => strategy })),
  ...Object.entries(SKILLED).map(([name, make]) => ({ name, kind: 'skilled' as const, make })),
  ...Object.entries(DEGENERATE).map(([name, make]) => ({ name, kind: 'degenerate' as const, make })),
];

export interface TimedGibb {
  readonly atMs: number;
  readonly text: string;
  readonly author?: string;
}

export interface EconomyOptions {
  readonly seeds: readonly string[];
  readonly durationMs: number;
  readonly rules?: GameRules;
  readonly gibbs?: readonly TimedGibb[];
  readonly entries?: readonly GalleryEntry[];
}

export interface StrategyResult {
  readonly strategy: string;
  readonly kind: StrategyKind;
  /** One score per seed, in seed order. */
  readonly scores: readonly number[];
  readonly meanScore: number;
  readonly sd: number;
  /** Seeds in which it scored best of the room (ties count for each). */
  readonly wins: number;
}

export interface EconomyResult {
  readonly strategies: readonly StrategyResult[];
  /** Pearson correlation of (forecast − 1) with the return over the next `FORECAST_HORIZON_TICKS` ticks, over every seed. */
  readonly forecastCorrelation: number;
  readonly seeds: readonly string[];
}

/** "The next minute" at the default one-second tick. */
export const FORECAST_HORIZON_TICKS = 60;

export function playEconomy(options: EconomyOptions): EconomyResult {
  const entries = options.entries ?? GALLERY;
  const scores = entries.map(() => [] as number[]);
  const forecasts: number[] = [];
  const returns: number[] = [];
  for (const seed of options.seeds) {
    const bots = entries.map((entry) => ({ trader: { team: entry.kind.toUpperCase(), name: entry.name }, strategy: entry.make() }));
    const game = runVirtualGame({ seed, durationMs: options.durationMs, rules: options.rules ?? DEFAULT_RULES, bots, gibbs: options.gibbs });
    const byName = new Map(game.leaderboard.traders.map((t) => [t.name, t.score]));
    entries.forEach((entry, i) => scores[i].push(byName.get(entry.name) ?? 0));
    const prices = game.prices;
    for (let i = 0; i + FORECAST_HORIZON_TICKS < prices.length; i++) {
      forecasts.push(prices[i].forecast - 1);
      returns.push(prices[i + FORECAST_HORIZON_TICKS].coins / prices[i].coins - 1);
    }
  }
  const best = options.seeds.map((_, s) => Math.max(...scores.map((perSeed) => perSeed[s])));
  const strategies = entries.map((entry, i) => ({
    strategy: entry.name,
    kind: entry.kind,
    scores: scores[i],
    meanScore: mean(scores[i]),
    sd: standardDeviation(scores[i]),
    wins: scores[i].filter((score, s) => score === best[s]).length,
  }));
  return { strategies, forecastCorrelation: correlation(forecasts, returns), seeds: options.seeds };
}

/**
 * Gibbs of a recording played in a loop for the whole game: offsets from its
 * first gibb, the loop's period one average gap longer than the recording.
 */
export function loopGibbs(recording: readonly { time: string; text: string }[], durationMs: number): TimedGibb[] {
  if (recording.length === 0) return [];
  const start = Date.parse(recording[0].time);
  const offsets = recording.map((g) => Date.parse(g.time) - start);
  const span = offsets[offsets.length - 1];
  const period = span + Math.max(1000, Math.round(span / Math.max(1, recording.length - 1)));
  const gibbs: TimedGibb[] = [];
  for (let round = 0; round * period < durationMs; round++) {
    recording.forEach((g, i) => {
      const atMs = round * period + offsets[i];
      if (atMs < durationMs) gibbs.push({ atMs, text: g.text });
    });
  }
  return gibbs;
}
