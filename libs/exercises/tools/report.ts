/** Turns vitest outcomes into one line per chapter, the way a coach reads the room. */
import type { Chapter } from './chapters.js';
import type { FileOutcome, KataError, KataSource, TestOutcome } from './run-vitest.js';

export interface ChapterSummary {
  readonly chapter: Chapter;
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly TestOutcome[];
  /** What to do next: the first failing test, or why the chapter did not run. */
  readonly next: string;
}

export function summarize(chapter: Chapter, outcomes: readonly FileOutcome[]): ChapterSummary {
  const files = outcomes.filter((o) => o.slug === chapter.slug);
  const tests = files.flatMap((f) => f.tests);
  const failures = tests.filter((t) => !t.passed);
  const loadError = files.find((f) => f.loadError !== undefined)?.loadError;
  // A chapter whose tests did not run at all counts as one failure, never as done.
  const failed = failures.length + (loadError !== undefined || files.length === 0 ? 1 : 0);
  const next =
    files.length === 0
      ? 'no test ran for this chapter'
      : loadError !== undefined
        ? `fix the code so the tests load: ${loadError}`
        : failures.length > 0
          ? `make this pass: ${failures[0].title}`
          : 'done';
  return { chapter, passed: tests.length - failures.length, failed, failures, next };
}

export function printTable(summaries: readonly ChapterSummary[], source: KataSource): void {
  const out: string[] = [];
  const what = source === 'solutions' ? 'the reference solutions (solutions/*/kata.ts)' : 'your katas (chapters/*/kata.ts)';
  out.push(`Banana Market morning exercises — ${what}`, '');
  const titleWidth = Math.max(5, ...summaries.map((s) => s.chapter.title.length));
  out.push(`${'ch'.padEnd(4)}${'title'.padEnd(titleWidth + 2)}${'tests'.padEnd(8)}next`);
  for (const s of summaries) {
    const tests = `${s.passed}/${s.passed + s.failed}`;
    const mark = s.failed === 0 ? '✔ ' : '  ';
    out.push(
      `${String(s.chapter.number).padStart(2, '0').padEnd(4)}${s.chapter.title.padEnd(titleWidth + 2)}${tests.padEnd(8)}${mark}${shorten(s.next, NEXT_WIDTH)}`,
    );
  }
  const done = summaries.filter((s) => s.failed === 0).length;
  out.push('', `${done}/${summaries.length} chapters pass`, '');
  process.stdout.write(out.join('\n'));
}

/** Long enough for a test title, short enough for a projector's terminal. */
const NEXT_WIDTH = 100;

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function printChapterDetails(summary: ChapterSummary | undefined, typeErrors: readonly string[]): void {
  if (summary === undefined) return;
  const out: string[] = [];
  // Each failure in full: the message, the expected and actual records as a diff, and where it failed.
  for (const failure of summary.failures) out.push(`✘ ${failure.title}`, ...failure.errors.flatMap(errorLines), '');
  // The tests run without checking types, so a kata can pass them and still be wrong for TypeScript.
  if (typeErrors.length > 0) out.push('', 'Type errors (the tests ran anyway; fix these too):', ...typeErrors.map((e) => `  ${e}`));
  if (summary.failed > 0 && summary.chapter.hints.length > 0) {
    out.push('', `Hints (chapters/${summary.chapter.slug}/README.md):`, ...summary.chapter.hints.map((h) => `  - ${h}`));
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
}

const INDENT = '    ';

function errorLines(error: KataError): string[] {
  const indented = (text: string) => text.split('\n').map((line) => (line === '' ? '' : `${INDENT}${line}`));
  // vitest's words for a failed expectation; anything else was thrown by the code, and its kind matters.
  const message = error.name === 'AssertionError' ? error.message : `${error.name}: ${error.message}`;
  return [
    ...indented(message),
    ...(error.diff !== undefined ? ['', ...indented(error.diff)] : []),
    ...(error.at !== undefined ? ['', `${INDENT}at ${error.at}`] : []),
  ];
}
