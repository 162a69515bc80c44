/**
 * The guard of the morning: the untouched starters fail every chapter, the
 * reference solutions pass every chapter, and both type-check. It runs the
 * coach's own command (`npm run exercises -- --json`), one process per mode.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_SIZE_MS } from '../../chapters/04-tumbling-windows/given.js';
import { afterOpening, isoAt } from '../../chapters/support/market-time.js';
import { runProcess, type Finished } from '../../tools/run-process.js';
import { typeCheckKatas } from '../../tools/type-check.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const TSX_CLI = require.resolve('tsx/cli');
const ALL_CHAPTERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

interface ChapterLine {
  chapter: number;
  title: string;
  passed: number;
  failed: number;
}

function runNode(args: string[]): Promise<Finished> {
  return runProcess(process.execPath, args, { cwd: PACKAGE_DIR, timeoutMs: 80_000, what: `node ${args.slice(0, 3).join(' ')}` });
}

/** `npm run exercises -- <flags>`, as the room runs it. */
function runExercises(...flags: string[]): Promise<Finished> {
  return runNode([TSX_CLI, '--conditions=@banana-market/source', join(PACKAGE_DIR, 'tools', 'exercises.ts'), ...flags]);
}

function exercises(...flags: string[]): Promise<Finished> {
  return runExercises('--json', ...flags);
}

function chapterLines(run: Finished): ChapterLine[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ChapterLine);
}

describe('the katas, both ways', () => {
  let starters: Finished;
  let solutions: Finished;
  let typeCheck: Finished;
  let badFlag: Finished;
  let unknownFlag: Finished;
  let chapter4: Finished;

  beforeAll(async () => {
    [starters, solutions, typeCheck, badFlag, unknownFlag, chapter4] = await Promise.all([
      exercises(),
      exercises('--solutions'),
      typeCheckKatas(PACKAGE_DIR),
      exercises('--chapter', '42'),
      exercises('--chapters', '4'),
      runExercises('--chapter', '4'),
    ]);
  }, 90_000);

  it('fails every chapter with the untouched starters, and exits 1', () => {
    const lines = chapterLines(starters);
    expect(
      lines.map((l) => l.chapter),
      starters.stderr,
    ).toEqual(ALL_CHAPTERS);
    for (const line of lines) expect(line.failed, `chapter ${line.chapter} (${line.title}) passes before anyone wrote it`).toBeGreaterThan(0);
    expect(starters.code).toBe(1);
  });

  it('passes every chapter with the reference solutions, and exits 0', () => {
    const lines = chapterLines(solutions);
    expect(
      lines.map((l) => l.chapter),
      solutions.stderr,
    ).toEqual(ALL_CHAPTERS);
    for (const line of lines) {
      expect(line, `chapter ${line.chapter} (${line.title})`).toMatchObject({ failed: 0, passed: expect.any(Number) });
      expect(line.passed).toBeGreaterThanOrEqual(3);
    }
    expect(solutions.code).toBe(0);
  });

  it('type-checks starters, tests and solutions (tsconfig.katas.json)', () => {
    expect(typeCheck.stdout + typeCheck.stderr).toBe('');
    expect(typeCheck.code).toBe(0);
  });

  it('shows a failing test of the untouched chapter 04 with the expected and actual records in full, as a diff, and where it failed (--chapter 4)', () => {
    const [windowStart, windowEnd] = [isoAt(afterOpening(0)), isoAt(afterOpening(WINDOW_SIZE_MS))];
    const output = chapter4.stdout;
    expect(output, chapter4.stderr).toContain('✘ combines a trader’s orders of one window into one result, sent only once the window has closed\n');
    // The message names the whole record, not `[ …(1) ]`…
    expect(output).toContain(
      `    expected [] to deeply equal [ { key: { team: 'BONOBO', name: 'alice' }, value: { windowStart: '${windowStart}', windowEnd: '${windowEnd}', orders: 2, invested: 5 } } ]\n`,
    );
    // …and the diff shows it field by field (plain text in a pipe; in colour on a terminal).
    expect(output).toContain(
      [
        '    - Expected',
        '    + Received',
        '',
        '    - [',
        '    -   {',
        '    -     "key": {',
        '    -       "name": "alice",',
        '    -       "team": "BONOBO",',
        '    -     },',
        '    -     "value": {',
        '    -       "invested": 5,',
        '    -       "orders": 2,',
        `    -       "windowEnd": "${windowEnd}",`,
        `    -       "windowStart": "${windowStart}",`,
        '    -     },',
        '    -   },',
        '    - ]',
        '    + []',
        '',
        '    at chapters/04-tumbling-windows/kata.test.ts:',
      ].join('\n'),
    );
    expect(output).not.toMatch(/…\(\d+\)|\[Object\]/);
    expect(output, 'no colour codes in a pipe').not.toContain('\u001b[');
    expect(chapter4.code).toBe(1);
  });

  it('refuses a bad flag with a clear message and exit code 2, before running anything', () => {
    expect(badFlag.stderr).toContain('there is no chapter 42: chapters are 0-14');
    expect(badFlag.stdout).toBe('');
    expect(badFlag.code).toBe(2);
  });

  it('refuses an unknown flag by its name, with exit code 2 and the usage, before running anything', () => {
    expect(unknownFlag.stderr).toContain("Unknown option '--chapters'");
    expect(unknownFlag.stderr).toContain('usage: npm run exercises --');
    expect(unknownFlag.stdout).toBe('');
    expect(unknownFlag.code).toBe(2);
  });
});
