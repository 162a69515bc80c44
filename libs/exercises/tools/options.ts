/** The flags of `npm run exercises`, checked strictly: a typo is an error, not a silent full run. */
import type { KataSource } from './run-vitest.js';

export interface Options {
  readonly source: KataSource;
  readonly chapter?: number;
  readonly json: boolean;
  readonly help: boolean;
}

export const USAGE = `usage: npm run exercises -- [--chapter N] [--solutions] [--json]

  --chapter N   run chapter N only (0-9) and show its failing tests, type errors and hints
  --solutions   run the reference solutions instead of chapters/*/kata.ts
  --json        one JSON object per line and chapter: {"chapter","title","passed","failed"}
`;

export type ParsedOptions = { ok: true; options: Options } | { ok: false; error: string };

export function parseOptions(argv: readonly string[], chapterNumbers: readonly number[]): ParsedOptions {
  let source: KataSource = 'chapters';
  let chapter: number | undefined;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--solutions') source = 'solutions';
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--chapter' || arg.startsWith('--chapter=')) {
      const value = arg === '--chapter' ? argv[++i] : arg.slice('--chapter='.length);
      if (value === undefined || !/^\d{1,2}$/.test(value)) {
        return { ok: false, error: `--chapter needs a chapter number (${rangeOf(chapterNumbers)}), got ${value === undefined ? 'nothing' : JSON.stringify(value)}` };
      }
      if (!chapterNumbers.includes(Number(value))) {
        return { ok: false, error: `there is no chapter ${value}: chapters are ${rangeOf(chapterNumbers)}` };
      }
      chapter = Number(value);
    } else {
      return { ok: false, error: `unknown option ${JSON.stringify(arg)}` };
    }
  }
  return { ok: true, options: { source, json, help, ...(chapter !== undefined ? { chapter } : {}) } };
}

function rangeOf(numbers: readonly number[]): string {
  return numbers.length === 0 ? 'none' : `${Math.min(...numbers)}-${Math.max(...numbers)}`;
}
