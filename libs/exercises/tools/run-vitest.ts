/**
 * Runs the chapter tests in a child vitest (its own process, so a kata that
 * hangs or crashes cannot take the tool down) and reads its JSON report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runProcess } from './run-process.js';

export type KataSource = 'chapters' | 'solutions';

export interface TestOutcome {
  readonly title: string;
  readonly passed: boolean;
  /** First line of the failure, when it failed. */
  readonly failure?: string;
}

export interface FileOutcome {
  /** The chapter folder the test file is in. */
  readonly slug: string;
  readonly tests: readonly TestOutcome[];
  /** Set when the file could not even run (a compile error, an import that throws). */
  readonly loadError?: string;
}

/** The part of vitest's JSON reporter output this tool reads (Jest's format). */
interface JsonReport {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { title: string; ancestorTitles: string[]; status: string; failureMessages: string[] }[];
  }[];
}

const SLUG_IN_PATH = /[\\/]chapters[\\/](\d\d-[^\\/]+)[\\/]/;

export async function runChapterTests(options: { packageDir: string; source: KataSource; slugs: readonly string[] }): Promise<FileOutcome[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'banana-katas-'));
  const outputFile = join(outDir, 'report.json');
  try {
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const args = [
      vitest,
      'run',
      '--config',
      join(options.packageDir, 'vitest.katas.config.ts'),
      '--reporter=json',
      `--outputFile=${outputFile}`,
      ...options.slugs.map((slug) => `chapters/${slug}/`),
    ];
    const { stderr } = await runProcess(process.execPath, args, {
      cwd: options.packageDir,
      env: { ...process.env, KATA_SOURCE: options.source },
      // A kata stuck in an endless loop cannot be interrupted by a test timeout: the whole run gets this long.
      timeoutMs: 180_000,
      what: 'the tests (does a kata loop forever?)',
    });
    let report: JsonReport;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`vitest wrote no report; its output:\n${stderr.slice(-4000)}`);
    }
    return report.testResults.map(toFileOutcome);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function toFileOutcome(file: JsonReport['testResults'][number]): FileOutcome {
  const slug = file.name.match(SLUG_IN_PATH)?.[1] ?? file.name;
  const tests = file.assertionResults
    .filter((test) => test.status === 'passed' || test.status === 'failed')
    .map((test) => ({
      // The outermost describe only repeats the chapter's name.
      title: [...test.ancestorTitles.slice(1), test.title].join(' › '),
      passed: test.status === 'passed',
      ...(test.status === 'failed' ? { failure: firstLine(test.failureMessages[0]) } : {}),
    }));
  const loadError = tests.length === 0 && file.status === 'failed' ? firstLine(file.message) || 'the test file failed to load' : undefined;
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
