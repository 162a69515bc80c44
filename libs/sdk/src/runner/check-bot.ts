/**
 * `npm run bot -- --check bots/alice.ts`: a bot checked before it plays.
 * First its types (the TypeScript compiler on the file and what it imports,
 * as the project's own code is checked: strict, the SDK's BotDecision union),
 * then its decisions: decide() runs on every tick of a seeded 20-minute game
 * in virtual time beside the house strategies, and every decision is checked
 * with the schema the runner and the server use. The first wrong decision is
 * printed in words, with the tick it was made on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVirtualGame, STRATEGIES, type DecisionOutcome, type StrategyError } from '@banana-market/engine';
import type { TraderKey } from '@banana-market/protocol';
import { locateInStack } from './bot-runner.js';
import { loadStrategy } from './load-strategy.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CHECK_GAME_MS = 20 * 60_000;
const YOU: TraderKey = { team: 'CHECK', name: 'you' };

export interface CheckReport {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** The TypeScript compiler's verdict on the bot file: one line per error, none when it type-checks. */
export function typeCheck(file: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'banana-bot-check-'));
  try {
    const config = join(dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(REPO_ROOT, 'tsconfig.base.json'),
        // The SDK's sources, as `npm run bot` runs them (no build needed).
        compilerOptions: {
          noEmit: true,
          composite: false,
          declaration: false,
          declarationMap: false,
          customConditions: ['@banana-market/source'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        },
        files: [resolve(file)],
      }),
    );
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', config], { encoding: 'utf8', cwd: REPO_ROOT });
    if (run.status === 0) return [];
    const output = `${run.stdout}${run.stderr}`.trim();
    // One line per error, paths relative to where the user stands.
    return output
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .map((line) =>
        line.replace(
          /^(\S+?)\((\d+),(\d+)\)/,
          (_all, path: string, row: string, col: string) => `${relative(process.cwd(), resolve(REPO_ROOT, path))}:${row}:${col}`,
        ),
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Plays the bot for 20 minutes of a seeded game and reports its first wrong decision (or its first throw). */
export async function checkDecisions(file: string): Promise<CheckReport> {
  const strategy = await loadStrategy(file);
  let decisions = 0;
  let first: string | undefined;
  const where = (market: { price: number; time: number }, start: number) =>
    `at ${clock(market.time - start)} of the check game (price ${market.price.toFixed(3)})`;
  let start = Number.NaN;
  const onOutcome = (trader: TraderKey, outcome: DecisionOutcome) => {
    if (trader.name !== YOU.name) return;
    if (Number.isNaN(start)) start = outcome.market.time;
    decisions++;
    if ('invalid' in outcome) first ??= `✗ wrong decision ${where(outcome.market, start)}: ${outcome.invalid}`;
  };
  const onStrategyError = (trader: TraderKey, error: StrategyError) => {
    if (trader.name !== YOU.name) return;
    const cause = error.cause instanceof Error ? error.cause : new Error(String(error.cause));
    const where = locateInStack(cause, resolve(file));
    const position = where === undefined ? '' : ` at ${where}`;
    first ??= `✗ decide() threw${position}: ${cause.name}: ${cause.message}`;
  };
  runVirtualGame({
    seed: 'bot-check',
    durationMs: CHECK_GAME_MS,
    bots: [{ trader: YOU, strategy }, ...Object.values(STRATEGIES).map((s) => ({ trader: { team: 'HOUSE', name: s.name }, strategy: s }))],
    gibbs: Array.from({ length: 40 }, (_, i) => ({
      atMs: 15_000 + i * 30_000,
      text: i % 3 === 0 ? 'bananas crash, sell #MKTD' : 'bananas are great, buy #MKTD',
    })),
    onOutcome,
    onStrategyError,
  });
  if (first !== undefined) return { ok: false, lines: [first] };
  return {
    ok: true,
    lines: [
      `✓ ${decisions} decisions over a 20-minute check game (seeded, virtual time), every one well-formed${decisions === 0 ? ' — but it never decided anything: is that what you meant?' : ''}`,
    ],
  };
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Both checks; the report's lines are what `--check` prints. */
export async function checkBot(file: string): Promise<CheckReport> {
  const types = typeCheck(file);
  if (types.length > 0) return { ok: false, lines: [`✗ ${file} does not type-check:`, ...types.map((line) => `  ${line}`)] };
  const decisions = await checkDecisions(file);
  return { ok: decisions.ok, lines: [`✓ ${file} type-checks`, ...decisions.lines] };
}
