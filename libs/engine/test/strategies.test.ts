import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '@banana-market/engine';
import { formatTournament, runStrategyTournament } from '../src/index.js';

describe('the built-in strategies over 3-hour games', () => {
  it('rank feeder above random in at least 18 of 20 seeds', () => {
    const started = performance.now();
    const result = runStrategyTournament({
      strategies: Object.values(STRATEGIES),
      seeds: Array.from({ length: 20 }, (_, i) => `tournament-${i}`),
      durationMs: 3 * 3600_000,
    });
    console.log(`${formatTournament(result)}\n(20 seeds × 3 h in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const feederWins = result.scores.feeder.filter((score, i) => score > result.scores.random[i]).length;
    console.log(`feeder beat random in ${feederWins} of 20 seeds`);
    expect(feederWins).toBeGreaterThanOrEqual(18);
  }, 120_000);
});
