/**
 * `npm run exercises`: runs the katas and prints where the room stands.
 *
 *   npm run exercises                      every chapter, your code (chapters/NN-slug/kata.ts)
 *   npm run exercises -- --chapter 4       one chapter, with its failing tests, type errors and hints
 *   npm run exercises -- --solutions       the reference solutions (the coach's demo)
 *   npm run exercises -- --json            one JSON line per chapter: {"chapter","title","passed","failed"}
 *   npm run exercises -- --report http://COACH:3000 [--name NAME]
 *                                          also posts the table to the coach's morning board (/coach/morning)
 *   npm run exercises -- --live 5 --kafka HOST:PORT [--name NAME]
 *                                          runs your chapter 5 on the game's broker until Ctrl-C (live.ts)
 *
 * With --chapter, each failing test is printed in full: its message, the expected and
 * actual records as a diff, and where it failed.
 *
 * Exit code: 0 when every chapter run passes, 1 otherwise, 2 for bad flags.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listChapters, type Chapter } from './chapters.js';
import { parseOptions, usage, type Options } from './options.js';
import { runLive } from './run-live.js';
import { printChapterDetails, printTable, summarize, type ChapterSummary } from './report.js';
import { defaultParticipant, postReport, reportOf } from './room-report.js';
import { runChapterTests } from './run-vitest.js';
import { typeErrorsOf } from './type-check.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: readonly string[]): Promise<number> {
  const chapters = listChapters(join(PACKAGE_DIR, 'chapters'));
  const parsed = parseOptions(
    argv,
    chapters.map((c) => c.number),
  );
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n\n${usage(chapters.map((c) => c.number))}`);
    return 2;
  }
  if (parsed.options.help) {
    process.stdout.write(usage(chapters.map((c) => c.number)));
    return 0;
  }
  const options: Options = parsed.options;
  if (options.live !== undefined) return runLive(PACKAGE_DIR, options, chapters.find((c) => c.number === options.live) as Chapter);
  const selected = chapters.filter((c) => options.chapter === undefined || c.number === options.chapter);
  const [outcomes, typeErrors] = await Promise.all([
    runChapterTests({ packageDir: PACKAGE_DIR, source: options.source, slugs: selected.map((c) => c.slug) }),
    // Only for one chapter: the table stays fast, the participant at work sees everything.
    options.chapter !== undefined && !options.json ? typeErrorsOf(PACKAGE_DIR, options.source, selected[0].slug) : Promise.resolve([]),
  ]);
  const summaries = selected.map((chapter: Chapter): ChapterSummary => summarize(chapter, outcomes));

  if (options.json) {
    for (const s of summaries) {
      process.stdout.write(`${JSON.stringify({ chapter: s.chapter.number, title: s.chapter.title, passed: s.passed, failed: s.failed })}\n`);
    }
  } else {
    printTable(summaries, options.source);
    if (options.chapter !== undefined) printChapterDetails(summaries[0], typeErrors);
  }
  if (options.report !== undefined) {
    const line = await postReport(options.report, reportOf(options.name ?? defaultParticipant(), summaries));
    (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  }
  return summaries.every((s) => s.failed === 0 && s.passed > 0) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`exercises: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
