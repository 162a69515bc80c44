// The katas' own vitest config (not one of the root `npm test` projects: the
// untouched starters are meant to fail). `npm run exercises` runs it.
//
// Every chapter test imports `./kata.js`. KATA_SOURCE says whose kata.ts that is:
// unset or `chapters`, the participant's; `solutions`, `solutions/<chapter>/kata.ts`;
// an absolute folder, `<folder>/<chapter>/kata.ts` (the guard that pastes each
// solution between the marks of a copy of its starter uses that). The tests never change.
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { projectConfig } from '../../vitest.shared.js';

const ROOT = dirname(fileURLToPath(import.meta.url));
const KATA_FILE = /[\\/]chapters[\\/](\d\d-[^\\/]+)[\\/]kata\.ts$/;

/** Resolves `chapters/NN-slug/kata.ts` to `<katasDir>/NN-slug/kata.ts`. */
function katasFrom(katasDir: string): Plugin {
  return {
    name: 'banana-katas:katas-from',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer === undefined || !source.includes('kata')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const chapter = resolved?.id.match(KATA_FILE)?.[1];
      return chapter === undefined ? null : join(katasDir, chapter, 'kata.ts');
    },
  };
}

function katasDirOf(source: string | undefined): string | undefined {
  if (source === undefined || source === '' || source === 'chapters') return undefined;
  if (source === 'solutions') return join(ROOT, 'solutions');
  if (isAbsolute(source)) return source;
  throw new Error(`KATA_SOURCE must be "chapters", "solutions" or an absolute folder, not ${JSON.stringify(source)}`);
}

const base = projectConfig('katas');
const katasDir = katasDirOf(process.env.KATA_SOURCE);

export default {
  ...base,
  root: ROOT,
  plugins: [...(base.plugins ?? []), ...(katasDir !== undefined ? [katasFrom(katasDir)] : [])],
  test: {
    ...base.test,
    include: ['chapters/**/*.test.ts'],
    // A failing test shows the whole records it expected and got: chai would otherwise
    // shorten them in the message to `[ …(3) ]` (the diff itself is never cut).
    chaiConfig: { truncateThreshold: 0 },
    // The chapters share no state and are tiny: one worker that imports the
    // DSL once runs them all in a few seconds instead of ten.
    isolate: false,
    maxWorkers: 1,
  },
};
