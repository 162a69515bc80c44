/**
 * Runs the chapter tests in a child vitest (its own process, so a kata that
 * hangs or crashes cannot take the tool down) and reads what its reporter
 * (kata-reporter.ts) wrote: every test, and for a failure its whole message
 * and expected/actual diff.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KataError, KataReport, KataReportFile } from './kata-reporter.js';
import { runProcess } from './run-process.js';

export type { KataError } from './kata-reporter.js';

export type KataSource = 'chapters' | 'solutions';

export interface TestOutcome {
  readonly title: string;
  readonly passed: boolean;
  /** First line of the failure, when it failed. */
  readonly failure?: string;
  /** The whole failure, when it failed: message, diff, where. */
  readonly errors: readonly KataError[];
}

export interface FileOutcome {
  /** The chapter folder the test file is in. */
  readonly slug: string;
  readonly tests: readonly TestOutcome[];
  /** Set when the file could not even run (a compile error, an import that throws). */
  readonly loadError?: string;
}

const SLUG_IN_PATH = /[\\/]chapters[\\/](\d\d-[^\\/]+)[\\/]/;

export async function runChapterTests(options: {
  packageDir: string;
  source: KataSource;
  slugs: readonly string[];
  /** Another folder of `NN-slug/kata.ts` to test instead of `source` (an absolute path). */
  katasDir?: string;
}): Promise<FileOutcome[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'banana-katas-'));
  const outputFile = join(outDir, 'report.json');
  try {
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const args = [
      vitest,
      'run',
      '--config',
      join(options.packageDir, 'vitest.katas.config.ts'),
      `--reporter=${join(options.packageDir, 'tools', 'kata-reporter.ts')}`,
      ...options.slugs.map((slug) => `chapters/${slug}/`),
    ];
    const { stdout, stderr } = await runProcess(process.execPath, args, {
      cwd: options.packageDir,
      env: {
        ...process.env,
        KATA_SOURCE: options.katasDir ?? options.source,
        KATA_REPORT_FILE: outputFile,
        // The diff in colour on a participant's terminal, plain text in a pipe (and in the tests):
        // vitest colours whenever TERM is set, terminal or not.
        ...(process.stdout.isTTY ? {} : { NO_COLOR: '1' }),
      },
      // A kata stuck in an endless loop cannot be interrupted by a test timeout: the whole run gets this long.
      timeoutMs: 180_000,
      what: 'the tests (does a kata loop forever?)',
    });
    let report: KataReport;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as KataReport;
    } catch {
      throw new Error(`vitest wrote no report; its output:\n${`${stdout}\n${stderr}`.slice(-4000)}`);
    }
    return report.files.map(toFileOutcome);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function toFileOutcome(file: KataReportFile): FileOutcome {
  const slug = file.file.match(SLUG_IN_PATH)?.[1] ?? file.file;
  const tests = file.tests
    .filter((test) => test.state === 'passed' || test.state === 'failed')
    .map(
      (test): TestOutcome => ({
        title: test.path.join(' › '),
        passed: test.state === 'passed',
        ...(test.state === 'failed' ? { failure: firstLine(test.errors[0]?.message) } : {}),
        errors: test.errors,
      }),
    );
  const loadError =
    tests.length === 0 && file.loadErrors.length > 0 ? firstLine(file.loadErrors[0].message) || 'the test file failed to load' : undefined;
  return { slug, tests, ...(loadError !== undefined ? { loadError } : {}) };
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}
