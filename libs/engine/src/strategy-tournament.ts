/**
 * The strategies against each other: for each seed, one virtual-time game
 * where every strategy trades for its own trader in the same market. Used by
 * a test (feeder must beat random) and by `npm run simulate` for the table.
 */
import type { TraderKey } from '@banana-market/protocol';
import type { DecisionOutcome, StrategyError } from './bots/bot-driver.js';
import type { Strategy } from './bots/strategy.js';
import { runVirtualGame, type VirtualGameOptions } from './virtual-game.js';
import type { GameRules } from './rules.js';

export interface TournamentOptions {
  readonly strategies: readonly Strategy[];
  readonly seeds: readonly string[];
  readonly durationMs: number;
  readonly rules?: GameRules;
  /** Gibbs every game replays (see runVirtualGame). */
  readonly gibbs?: VirtualGameOptions['gibbs'];
  /** Each seed's game's bots' outcomes and errors (a participant's bot checked as it plays). */
  readonly onOutcome?: (seed: string, trader: TraderKey, outcome: DecisionOutcome) => void;
  readonly onStrategyError?: (seed: string, trader: TraderKey, error: StrategyError) => void;
}

export interface TournamentResult {
  /** Score of each strategy (by name) for each seed, in seed order. */
  readonly scores: Readonly<Record<string, number[]>>;
  readonly seeds: readonly string[];
}

export function runStrategyTournament(options: TournamentOptions): TournamentResult {
  const scores: Record<string, number[]> = Object.fromEntries(options.strategies.map((s) => [s.name, []]));
  for (const seed of options.seeds) {
    const bots = options.strategies.map((strategy) => ({ trader: { team: 'SIM', name: strategy.name }, strategy }));
    const { onOutcome, onStrategyError } = options;
    const game = runVirtualGame({
      seed,
      durationMs: options.durationMs,
      rules: options.rules,
      bots,
      gibbs: options.gibbs,
      onOutcome: onOutcome === undefined ? undefined : (trader, outcome) => onOutcome(seed, trader, outcome),
      onStrategyError: onStrategyError === undefined ? undefined : (trader, error) => onStrategyError(seed, trader, error),
    });
    for (const standing of game.leaderboard.traders) scores[standing.name]?.push(standing.score);
  }
  return { scores, seeds: options.seeds };
}

/** The table the README shows: mean, min and max score, and wins (best score of the seed). */
export function formatTournament(result: TournamentResult): string {
  const names = Object.keys(result.scores);
  const wins = Object.fromEntries(names.map((n) => [n, 0]));
  result.seeds.forEach((_, i) => {
    const best = Math.max(...names.map((n) => result.scores[n][i]));
    for (const n of names) if (result.scores[n][i] === best) wins[n]++;
  });
  const rows = names
    .map((name) => {
      const s = result.scores[name];
      return { name, mean: s.reduce((a, b) => a + b, 0) / s.length, min: Math.min(...s), max: Math.max(...s), wins: wins[name] };
    })
    .sort((a, b) => b.mean - a.mean);
  const lines = [
    `| strategy | mean score | min | max | best of ${result.seeds.length} seeds |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.mean.toFixed(1)} | ${r.min} | ${r.max} | ${r.wins} |`),
  ];
  return lines.join('\n');
}
