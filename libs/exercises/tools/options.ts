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
  /** The participant's name on the board, and in their --live topics (default user@host). */
  readonly name?: string;
  /** `--live N`: run chapter N's topology on the game's broker (--kafka) until Ctrl-C, instead of the tests. */
  readonly live?: number;
  /** `--kafka HOST:PORT[,HOST:PORT…]`: the game's brokers, for --live. */
  readonly kafka?: readonly string[];
}

/** The usage text; the chapter range is the chapters' own (they are found on disk, more come). */
export function usage(chapterNumbers: readonly number[]): string {
  const range = rangeOf(chapterNumbers);
  return `usage: npm run exercises -- [--chapter N] [--solutions] [--json] [--report http://COACH:3000 [--name NAME]]
       npm run exercises -- --live N --kafka HOST:PORT [--name NAME] [--solutions]

  --chapter N   run chapter N only (${range}) and show its failing tests, type errors and hints
  --solutions   run the reference solutions instead of chapters/*/kata.ts
  --json        one JSON object per line and chapter: {"chapter","title","passed","failed"}
  --report URL  post the chapter table to the coach's game server (its /coach/morning board; no token;
                EXERCISES_REPORTS=off turns it off); --name sets your name there (default user@host)
  --live N      run your chapter N (${range}) on the game's broker against the live topics until Ctrl-C,
                writing to topics named after you: live-NAME-TOPIC (--name, default user@host)
  --kafka H:P   the game's Kafka brokers for --live, comma-separated (a secured broker: KAFKA_SASL_USERNAME
                and KAFKA_SASL_PASSWORD, as for the bots)
`;
}

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
        live: { type: 'string' },
        kafka: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // parseArgs names the flag: "Unknown option '--chapters'", "Option '--chapter <value>' argument missing".
    return { ok: false, error: (err as Error).message };
  }
  const chapter = chapterOf('--chapter', values.chapter, chapterNumbers);
  if (typeof chapter === 'string') return { ok: false, error: chapter };
  const live = chapterOf('--live', values.live, chapterNumbers);
  if (typeof live === 'string') return { ok: false, error: live };
  if (live !== undefined) {
    // --live runs one chapter until Ctrl-C: nothing of the test run goes with it.
    const clash = (['chapter', 'json', 'report'] as const).find((flag) => values[flag] !== undefined && values[flag] !== false);
    if (clash !== undefined) return { ok: false, error: `--${clash} does not go with --live (--live runs one chapter on the broker, no tests)` };
    if (values.kafka === undefined) return { ok: false, error: "--live needs --kafka HOST:PORT, the game's broker" };
  } else if (values.kafka !== undefined) {
    return { ok: false, error: '--kafka goes with --live' };
  }
  const kafka = values.kafka === undefined ? undefined : brokersOf(values.kafka);
  if (typeof kafka === 'string') return { ok: false, error: kafka };
  if (values.name !== undefined && values.report === undefined && live === undefined)
    return { ok: false, error: '--name goes with --report or --live' };
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
      ...(live !== undefined ? { live } : {}),
      ...(kafka !== undefined ? { kafka } : {}),
    },
  };
}

/** A chapter number flag's value: undefined when not given, else the number, or the error naming the flag. */
function chapterOf(flag: string, value: string | undefined, chapterNumbers: readonly number[]): number | undefined | string {
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value)) return `${flag} needs a chapter number (${rangeOf(chapterNumbers)}), got ${JSON.stringify(value)}`;
  if (!chapterNumbers.includes(Number(value))) return `${flag}: there is no chapter ${value}: chapters are ${rangeOf(chapterNumbers)}`;
  return Number(value);
}

/** `HOST:PORT[,HOST:PORT…]`, as kafkajs takes brokers; a URL or a missing port is refused here rather than by a connection that never comes. */
function brokersOf(value: string): string[] | string {
  const brokers = value.split(',').map((b) => b.trim());
  for (const broker of brokers) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(broker);
    if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
      return `--kafka needs the broker as HOST:PORT (e.g. 192.168.1.20:9092; several: comma-separated), got ${JSON.stringify(broker)}`;
    }
  }
  return brokers;
}

function rangeOf(numbers: readonly number[]): string {
  return numbers.length === 0 ? 'none' : `${Math.min(...numbers)}-${Math.max(...numbers)}`;
}
