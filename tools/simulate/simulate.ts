/**
 * npm run simulate [-- --seeds 20 --hours 3]: the built-in strategies against
 * each other in virtual-time games, no network; prints the table the README shows.
 *
 * npm run simulate -- --strategy bots/alice.ts [--seeds 20] [--hours 3] [--gibbs FILE]:
 * your bot in those games against the built-in strategies: the table, your
 * score and rank in each seed's game, and your bad decisions and throws.
 *
 * npm run simulate -- --gallery [--seeds 20] [--gibbs FILE] [--json]: the
 * economy's regression suite — every strategy of the gallery (built-in,
 * skilled, degenerate) in one room per seed, with a replayed recording of
 * gibbs looped over the game if given; prints each strategy's mean, spread
 * and wins, and how well the forecast predicts the next minute.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTournament, makeRules, RULE_PRESETS, runStrategyTournament, STRATEGIES, type RulePreset, type Strategy } from '@banana-market/engine';
import { loadStrategy } from '@banana-market/sdk/runner';
import { loopGibbs, playEconomy, type EconomyResult } from './economy.js';
import { readGibbRecording } from './gibb-recording.js';

const USAGE = `usage: npm run simulate -- [--seeds 20] [--hours 3] [--preset default|mktd2018]
       npm run simulate -- --strategy bots/my-bot.ts [--seeds 20] [--hours 3] [--gibbs FILE] [--preset default|mktd2018]
       npm run simulate -- --gallery [--seeds 20] [--hours 3] [--gibbs FILE] [--json] [--preset default|mktd2018]
  (seeds: a whole number of games; hours: game time of each; gibbs: a JSONL recording {time, text} replayed in a loop)`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    strict: true,
    options: {
      seeds: { type: 'string', default: '20' },
      hours: { type: 'string', default: '3' },
      gallery: { type: 'boolean', default: false },
      strategy: { type: 'string' },
      gibbs: { type: 'string' },
      json: { type: 'boolean', default: false },
      preset: { type: 'string', default: 'default' },
      help: { type: 'boolean', short: 'h' },
    },
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
if (!Object.hasOwn(RULE_PRESETS, values.preset))
  fail(`--preset must be one of ${Object.keys(RULE_PRESETS).join(', ')}, got ${JSON.stringify(values.preset)}`);
if (values.gallery && values.strategy !== undefined)
  fail('--strategy plays your bot against the built-in strategies; --gallery plays the gallery: choose one');
if (!values.gallery && values.json) fail('--json goes with --gallery');
if (!values.gallery && values.strategy === undefined && values.gibbs !== undefined) fail('--gibbs goes with --gallery or --strategy');

function readGibbs(): { time: string; text: string }[] {
  if (values.gibbs === undefined) return [];
  try {
    return readGibbRecording(readFileSync(values.gibbs, 'utf8'));
  } catch (err) {
    fail(`--gibbs ${values.gibbs}: ${(err as Error).message}`);
  }
}

const rules = makeRules({}, values.preset as RulePreset);
const durationMs = hours * 3600_000;
const started = performance.now();

if (values.strategy !== undefined) {
  let yours: Strategy;
  try {
    yours = await loadStrategy(values.strategy);
  } catch (err) {
    fail(`--strategy ${values.strategy}: ${(err as Error).message.split('\n')[0]}`);
  }
  const builtIns = Object.values(STRATEGIES).filter((s) => s.name !== yours.name);
  const recording = readGibbs();
  const seeds = Array.from({ length: seedCount }, (_, i) => `tournament-${i}`);
  const problems = new Map<string, number>();
  const note = (problem: string) => problems.set(problem, (problems.get(problem) ?? 0) + 1);
  const result = runStrategyTournament({
    strategies: [yours, ...builtIns],
    seeds,
    durationMs,
    rules,
    gibbs: loopGibbs(recording, durationMs),
    onOutcome: (_seed, trader, outcome) => {
      if (trader.name === yours.name && 'invalid' in outcome) note(`bad decision: ${outcome.invalid}`);
    },
    onStrategyError: (_seed, trader, error) => {
      if (trader.name !== yours.name) return;
      const cause = error.cause instanceof Error ? error.cause : new Error(String(error.cause));
      note(`decide() threw ${cause.name}: ${cause.message}`);
    },
  });
  console.log(formatTournament(result));
  console.log(`\n| seed | ${yours.name}'s score | rank of ${1 + builtIns.length} |`);
  console.log('| --- | ---: | ---: |');
  seeds.forEach((seed, i) => {
    const own = result.scores[yours.name][i];
    const rank = 1 + Object.values(result.scores).filter((scores) => scores[i] > own).length;
    console.log(`| ${seed} | ${own} | ${rank} |`);
  });
  for (const [problem, count] of problems) console.log(`\n✗ ${count}× ${problem}`);
  const gibbs = values.gibbs === undefined ? 'no gibbs' : `${recording.length} gibbs of ${values.gibbs} looped`;
  console.log(`\n${seeds.length} seeds × ${values.hours} h, ${gibbs}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} else if (!values.gallery) {
  const seeds = Array.from({ length: seedCount }, (_, i) => `tournament-${i}`);
  const result = runStrategyTournament({ strategies: Object.values(STRATEGIES), seeds, durationMs, rules });
  console.log(formatTournament(result));
  console.log(`\n${seeds.length} seeds × ${values.hours} h of game in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} else {
  const recording = readGibbs();
  const seeds = Array.from({ length: seedCount }, (_, i) => `economy-${i}`);
  const result = playEconomy({ seeds, durationMs, rules, gibbs: loopGibbs(recording, durationMs) });
  if (values.json) {
    for (const s of result.strategies)
      console.log(JSON.stringify({ strategy: s.strategy, kind: s.kind, meanScore: round(s.meanScore), sd: round(s.sd), wins: s.wins }));
    console.log(JSON.stringify({ forecastCorrelation: round(result.forecastCorrelation, 3) }));
  } else {
    console.log(formatEconomy(result));
    const gibbs = values.gibbs === undefined ? 'no gibbs' : `${recording.length} gibbs of ${values.gibbs} looped`;
    console.log(`\n${seeds.length} seeds × ${values.hours} h, ${gibbs}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

function formatEconomy(result: EconomyResult): string {
  const rows = [...result.strategies].sort((a, b) => b.meanScore - a.meanScore);
  return [
    `| strategy | kind | mean score | sd | wins of ${result.seeds.length} |`,
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map((s) => `| ${s.strategy} | ${s.kind} | ${s.meanScore.toFixed(1)} | ${s.sd.toFixed(1)} | ${s.wins} |`),
    '',
    `forecast correlation with the next minute's return: ${result.forecastCorrelation.toFixed(3)}`,
  ].join('\n');
}
