/** The flags of `npm run exercises`, checked strictly: a typo is an error, not a silent full run. */
import { parseArgs } from 'node:util';
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
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        chapter: { type: 'string' },
        solutions: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // parseArgs names the flag: "Unknown option '--chapters'", "Option '--chapter <value>' argument missing".
    return { ok: false, error: (err as Error).message };
  }
  let chapter: number | undefined;
  if (values.chapter !== undefined) {
    if (!/^\d{1,2}$/.test(values.chapter)) {
      return { ok: false, error: `--chapter needs a chapter number (${rangeOf(chapterNumbers)}), got ${JSON.stringify(values.chapter)}` };
    }
    if (!chapterNumbers.includes(Number(values.chapter))) {
      return { ok: false, error: `there is no chapter ${values.chapter}: chapters are ${rangeOf(chapterNumbers)}` };
    }
    chapter = Number(values.chapter);
  }
  const source: KataSource = values.solutions ? 'solutions' : 'chapters';
  return { ok: true, options: { source, json: values.json, help: values.help, ...(chapter !== undefined ? { chapter } : {}) } };
}

function rangeOf(numbers: readonly number[]): string {
  return numbers.length === 0 ? 'none' : `${Math.min(...numbers)}-${Math.max(...numbers)}`;
}
