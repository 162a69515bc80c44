/**
 * "Edit only between the marks" holds: for every chapter, the starter with
 * nothing but its marked region replaced by the reference solution's region
 * type-checks and passes the chapter's tests. Everything the kata needs is
 * imported above the marks, and the chapter's README lists it. And a failing
 * test shows the records it expected and got, in full.
 *
 * The pasted copies live in a temporary folder (the real starters are never
 * written): one tsc program checks them all, one vitest run tests them all.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listChapters } from '../../tools/chapters.js';
import type { Finished } from '../../tools/run-process.js';
import { runChapterTests, type FileOutcome } from '../../tools/run-vitest.js';
import { typeCheckProject } from '../../tools/type-check.js';
import {
  cutAtMarks,
  END_MARK,
  exportedNames,
  importedNames,
  namesListedInReadme,
  pasteRegion,
  README_IMPORTS_HEADING,
  readText,
  START_MARK,
  type MarkedKata,
} from './kata-files.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHAPTERS_DIR = join(PACKAGE_DIR, 'chapters');
const SOLUTIONS_DIR = join(PACKAGE_DIR, 'solutions');
const SLUGS = listChapters(CHAPTERS_DIR).map((c) => c.slug);
const DSL = '@banana-market/exercises';
const GIVEN = './given.js';

interface Chapter {
  readonly slug: string;
  /** The starter as it is on disk. */
  readonly starterSource: string;
  readonly starter: MarkedKata;
  readonly solutionSource: string;
  readonly solution: MarkedKata;
}

/** Read once: every test below sees the same files, and the last one checks they did not change. */
const chapters: Chapter[] = SLUGS.map((slug) => {
  const starterSource = readText(CHAPTERS_DIR, slug, 'kata.ts');
  const solutionSource = readText(SOLUTIONS_DIR, slug, 'kata.ts');
  return {
    slug,
    starterSource,
    starter: cutAtMarks(starterSource, `chapters/${slug}/kata.ts`),
    solutionSource,
    solution: cutAtMarks(solutionSource, `solutions/${slug}/kata.ts`),
  };
});

/** `{ chapter: [names] }` for the chapters where `missing` finds names, so that a failure names them all. */
function perChapter(missing: (chapter: Chapter) => string[]): Record<string, string[]> {
  return Object.fromEntries(chapters.map((c) => [c.slug, missing(c)]).filter(([, names]) => names.length > 0));
}

function without(names: readonly string[], present: readonly string[]): string[] {
  return names.filter((name) => !present.includes(name));
}

describe('the marks of every chapter', () => {
  it('every chapter 00–14 has a starter and a solution, each with one start mark and one end mark after it, inside buildTopology', () => {
    // cutAtMarks (above) throws for a missing, doubled or reversed mark.
    const marksOf = (kata: MarkedKata) => ({
      start: kata.before.split('\n').at(-2),
      end: kata.after.split('\n')[1],
      inBuildTopology: kata.before.includes('export function buildTopology(') && kata.after.includes('return builder.build();'),
    });
    const expected = { start: `  ${START_MARK}`, end: `  ${END_MARK}`, inBuildTopology: true };
    expect(SLUGS.map((slug) => slug.slice(0, 2))).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14']);
    expect(chapters.map((c) => ({ chapter: c.slug, starter: marksOf(c.starter), solution: marksOf(c.solution) }))).toEqual(
      SLUGS.map((slug) => ({ chapter: slug, starter: expected, solution: expected })),
    );
  });

  it('each solution differs from its starter only between the marks, from buildTopology to the end of the file', () => {
    // Above buildTopology the solution has its own comment and imports (from ../../chapters/<chapter>/given.js).
    const fromBuildTopology = (text: string) => text.slice(text.indexOf('export function buildTopology('));
    expect(chapters.map((c) => ({ chapter: c.slug, before: fromBuildTopology(c.solution.before), after: c.solution.after }))).toEqual(
      chapters.map((c) => ({ chapter: c.slug, before: fromBuildTopology(c.starter.before), after: c.starter.after })),
    );
  });

  it('each starter imports, above the marks, every name its given.ts exports', () => {
    const missing = perChapter((c) =>
      without(exportedNames(readText(CHAPTERS_DIR, c.slug, 'given.ts')), importedNames(c.starter.before).get(GIVEN) ?? []),
    );
    expect(missing, 'names given.ts exports that the starter does not import').toEqual({});
  });

  it('each starter imports, above the marks, every name its reference solution imports', () => {
    const missing = perChapter((c) => {
      const starterImports = [...importedNames(c.starter.before).values()].flat();
      return without([...importedNames(c.solution.before).values()].flat(), starterImports);
    });
    expect(missing, 'names the solution imports that the starter does not').toEqual({});
  });

  it(`each chapter's README lists under "${README_IMPORTS_HEADING.slice(3)}" exactly the names its starter imports`, () => {
    const listed = Object.fromEntries(
      chapters.map((c) => [c.slug, [...new Set(namesListedInReadme(readText(CHAPTERS_DIR, c.slug, 'README.md')) ?? [])].sort()]),
    );
    const imported = Object.fromEntries(
      chapters.map((c) => {
        const names = [...(importedNames(c.starter.before).get(DSL) ?? []), ...(importedNames(c.starter.before).get(GIVEN) ?? [])];
        return [c.slug, [...new Set(names)].sort()];
      }),
    );
    expect(listed).toEqual(imported);
  });
});

describe('every starter with the reference solution pasted between its marks, and nothing else changed', () => {
  let workDir: string;
  let pastedDir: string;
  let typeCheck: Finished;
  let pastedOutcomes: FileOutcome[];
  let starterOutcomes: FileOutcome[];

  beforeAll(async () => {
    // A copy of chapters/ (given.ts, support/, the tests) where each kata.ts is its starter with the solution's
    // region pasted in; node_modules points at the workspace's, so that imports resolve as in the real folder.
    workDir = mkdtempSync(join(tmpdir(), 'banana-katas-pasted-'));
    pastedDir = join(workDir, 'chapters');
    cpSync(CHAPTERS_DIR, pastedDir, { recursive: true });
    for (const c of chapters) writeFileSync(join(pastedDir, c.slug, 'kata.ts'), pasteRegion(c.starter, c.solution));
    const nodeModules = join(PACKAGE_DIR, '..', '..', 'node_modules');
    if (!existsSync(join(nodeModules, '@banana-market', 'exercises'))) throw new Error(`no workspace node_modules at ${nodeModules}`);
    symlinkSync(nodeModules, join(workDir, 'node_modules'), 'junction');
    writeFileSync(join(workDir, 'tsconfig.json'), JSON.stringify({ extends: join(PACKAGE_DIR, 'tsconfig.katas.json'), include: ['chapters'] }));

    [typeCheck, pastedOutcomes, starterOutcomes] = await Promise.all([
      typeCheckProject(workDir, 'tsconfig.json'),
      // The chapters' own test files, with their `./kata.js` resolved to the pasted copies (KATA_SOURCE=<folder>).
      runChapterTests({ packageDir: PACKAGE_DIR, source: 'chapters', slugs: SLUGS, katasDir: pastedDir }),
      runChapterTests({ packageDir: PACKAGE_DIR, source: 'chapters', slugs: SLUGS }),
    ]);
  }, 200_000);

  afterAll(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it('changes only the region between the marks: outside it, each pasted copy is its starter byte for byte', () => {
    for (const c of chapters) {
      const pasted = cutAtMarks(readText(pastedDir, c.slug, 'kata.ts'), `pasted ${c.slug}/kata.ts`);
      expect(pasted, c.slug).toEqual({ before: c.starter.before, region: c.solution.region, after: c.starter.after });
      expect(pasted.region, `${c.slug}: the solution's region is the starter's`).not.toBe(c.starter.region);
    }
  });

  it('type-checks every pasted copy, with its given.ts and its tests, in one tsc program (tsconfig.katas.json)', () => {
    expect(typeCheck.stdout + typeCheck.stderr).toBe('');
    expect(typeCheck.code).toBe(0);
  });

  it('passes every test of every chapter with the pasted copies (one vitest run over all chapters)', () => {
    const results = (outcomes: FileOutcome[]) =>
      SLUGS.map((slug) => {
        const tests = outcomes.filter((o) => o.slug === slug).flatMap((o) => o.tests);
        return { chapter: slug, failed: tests.filter((t) => !t.passed).map((t) => `${t.title}: ${t.failure}`), ran: tests.length >= 3 };
      });
    expect(results(pastedOutcomes)).toEqual(SLUGS.map((slug) => ({ chapter: slug, failed: [], ran: true })));
  });

  it('fails every chapter with the untouched starters, each failed expectation comparing whole records and showing them as a diff, nothing cut', () => {
    const failures = starterOutcomes.flatMap((o) =>
      o.tests.filter((t) => !t.passed).map((t) => ({ where: `${o.slug} › ${t.title}`, chapter: o.slug, error: t.errors[0] })),
    );
    expect(new Set(failures.map((f) => f.chapter))).toEqual(new Set(SLUGS));
    // Not `expected false to be true`: an expectation compares the records (or lists, or an object of them) that the
    // kata wrote with those it should have, so that vitest shows both and what differs.
    const expectations = failures.filter((f) => f.error?.name === 'AssertionError');
    expect(
      expectations.filter((f) => f.error.diff === undefined || !/^expected [[{]/.test(f.error.message)).map((f) => `${f.where}: ${f.error.message}`),
    ).toEqual([]);
    // chai shortens values in messages to `[ …(3) ]` and `{ …(2) }` unless told not to (chaiConfig.truncateThreshold: 0).
    expect(failures.filter((f) => /…\(\d+\)|\[Object\]|\[Array\]/.test(`${f.error?.message}\n${f.error?.diff}`)).map((f) => f.where)).toEqual([]);
  });

  it('leaves the real starters untouched', () => {
    expect(chapters.map((c) => readText(CHAPTERS_DIR, c.slug, 'kata.ts'))).toEqual(chapters.map((c) => c.starterSource));
    expect(chapters.map((c) => readText(SOLUTIONS_DIR, c.slug, 'kata.ts'))).toEqual(chapters.map((c) => c.solutionSource));
  });
});
