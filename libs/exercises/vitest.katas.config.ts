// The katas' own vitest config (not one of the root `npm test` projects: the
// untouched starters are meant to fail). `npm run exercises` runs it.
//
// Every chapter test imports `./kata.js`. With KATA_SOURCE=solutions that
// import is redirected to `solutions/<chapter>/kata.ts`, so the same tests
// check the participant's code or the reference solutions.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { projectConfig } from '../../vitest.shared.js';

const ROOT = dirname(fileURLToPath(import.meta.url));
const KATA_FILE = /[\\/]chapters[\\/](\d\d-[^\\/]+)[\\/]kata\.ts$/;

/** Resolves `chapters/NN-slug/kata.ts` to `solutions/NN-slug/kata.ts`. */
function solutionsInsteadOfKatas(): Plugin {
  return {
    name: 'banana-katas:solutions-instead-of-katas',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer === undefined || !source.includes('kata')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const chapter = resolved?.id.match(KATA_FILE)?.[1];
      return chapter === undefined ? null : join(ROOT, 'solutions', chapter, 'kata.ts');
    },
  };
}

const base = projectConfig('katas');
const useSolutions = process.env.KATA_SOURCE === 'solutions';

export default {
  ...base,
  root: ROOT,
  plugins: [...(base.plugins ?? []), ...(useSolutions ? [solutionsInsteadOfKatas()] : [])],
  test: {
    ...base.test,
    include: ['chapters/**/*.test.ts'],
    // The chapters share no state and are tiny: one worker that imports the
    // DSL once runs them all in a few seconds instead of ten.
    isolate: false,
    maxWorkers: 1,
  },
};
