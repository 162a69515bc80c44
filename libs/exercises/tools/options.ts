/** The flags of `npm run exercises`, checked strictly: a typo is an error, not a silent full run. */
import { parseArgs } from 'node:util';
import { participantNameSchema } from '@banana-market/protocol';
import type { KataSource } from './run-vitest.js';

export interface Options {
  readonly source: KataSource;
  readonly chapter?: number;
  readonly json: boolean;
  readonly help: boolean;
  /** The game server to post the chapter table to (the coach's morning board). */
  readonly report?: string;
  /** The participant's name on the board (default user@host). */
  readonly name?: string;
}

export const USAGE = `usage: npm run exercises -- [--chapter N] [--solutions] [--json] [--report http://COACH:3000 [--name NAME]]

  --chapter N   run chapter N only (0-12) and show its failing tests, type errors and hints
  --solutions   run the reference solutions instead of chapters/*/kata.ts
  --json        one JSON object per line and chapter: {"chapter","title","passed","failed"}
  --report URL  post the chapter table to the coach's game server (its /coach/morning board; no token;
                EXERCISES_REPORTS=off turns it off); --name sets your name there (default user@host)
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
        report: { type: 'string' },
        name: { type: 'string' },
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
  if (values.name !== undefined && values.report === undefined) return { ok: false, error: '--name goes with --report' };
  // The board's own rule for a participant's name (the protocol's schema), checked before the katas run.
  if (values.name !== undefined && !participantNameSchema.safeParse(values.name).success) {
    return { ok: false, error: `--name must be 1-64 characters among A-Z a-z 0-9 _ . @ - and spaces, got ${JSON.stringify(values.name)}` };
  }
  const source: KataSource = values.solutions ? 'solutions' : 'chapters';
  return {
    ok: true,
    options: {
      source,
      json: values.json,
      help: values.help,
      ...(chapter !== undefined ? { chapter } : {}),
      ...(values.report !== undefined ? { report: values.report } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
    },
  };
}

function rangeOf(numbers: readonly number[]): string {
  return numbers.length === 0 ? 'none' : `${Math.min(...numbers)}-${Math.max(...numbers)}`;
}
