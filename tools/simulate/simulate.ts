/**
 * npm run simulate [-- --seeds 20 --hours 3]: the built-in strategies against
 * each other in virtual-time games, no network; prints the table the README shows.
 */
import { parseArgs } from 'node:util';
import { STRATEGIES } from '@banana-market/engine';
import { formatTournament, runStrategyTournament } from '@banana-market/engine';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '20' }, hours: { type: 'string', default: '3' } } });
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => `tournament-${i}`);
const started = performance.now();
const result = runStrategyTournament({ strategies: Object.values(STRATEGIES), seeds, durationMs: Number(values.hours) * 3600_000 });
console.log(formatTournament(result));
console.log(`\n${seeds.length} seeds × ${values.hours} h of game in ${((performance.now() - started) / 1000).toFixed(1)} s`);
