/**
 * Type-checking the katas (tsconfig.katas.json: chapters, solutions, their
 * guard tests). vitest strips types without checking them, so a kata can pass
 * its tests with a type error: `--chapter N` shows that chapter's errors too.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runProcess, type Finished } from './run-process.js';

export function typeCheckKatas(packageDir: string): Promise<Finished> {
  return typeCheckProject(packageDir, 'tsconfig.katas.json');
}

/** One tsc program over a tsconfig (`--noEmit`), one diagnostic per line, paths relative to `cwd`. */
export function typeCheckProject(cwd: string, tsconfig: string): Promise<Finished> {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  return runProcess(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', tsconfig], {
    cwd,
    timeoutMs: 120_000,
    what: `the type check of ${tsconfig}`,
  });
}

export async function typeErrorsOf(packageDir: string, folder: 'chapters' | 'solutions', slug: string): Promise<string[]> {
  const { stdout } = await typeCheckKatas(packageDir);
  // One diagnostic per line, e.g. "chapters/00-first-app/kata.ts(18,3): error TS2345: …".
  return stdout.split('\n').filter((line) => line.startsWith(`${folder}/${slug}/`));
}
