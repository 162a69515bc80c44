/**
 * npm run simulate [-- --seeds 20 --hours 3]: the built-in strategies against
 * each other in virtual-time games, no network; prints the table the README shows.
 */
import { parseArgs } from 'node:util';
import { STRATEGIES } from '@banana-market/engine';
import { formatTournament, runStrategyTournament } from '@banana-market/engine';

const USAGE = 'usage: npm run simulate -- [--seeds 20] [--hours 3]   (seeds: a whole number of games, hours: game time of each)';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    strict: true,
    options: { seeds: { type: 'string', default: '20' }, hours: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seedCount = Number(values.seeds);
if (!Number.isInteger(seedCount) || seedCount < 1) fail(`--seeds must be a whole number of at least 1, got ${JSON.stringify(values.seeds)}`);
const hours = Number(values.hours);
if (!Number.isFinite(hours) || hours <= 0) fail(`--hours must be a number above 0, got ${JSON.stringify(values.hours)}`);

const seeds = Array.from({ length: seedCount }, (_, i) => `tournament-${i}`);
const started = performance.now();
const result = runStrategyTournament({ strategies: Object.values(STRATEGIES), seeds, durationMs: hours * 3600_000 });
console.log(formatTournament(result));
console.log(`\n${seeds.length} seeds × ${values.hours} h of game in ${((performance.now() - started) / 1000).toFixed(1)} s`);
