/**
 * The chapters as the coach's tool sees them: one folder `chapters/NN-slug/`
 * each, titled by the first heading of its README (`# 00 — A first app`),
 * with the bullets of its `## Hints` section.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Chapter {
  readonly number: number;
  /** The folder name, e.g. `04-tumbling-windows`. */
  readonly slug: string;
  readonly title: string;
  readonly hints: readonly string[];
}

const CHAPTER_FOLDER = /^(\d\d)-[a-z0-9-]+$/;
const TITLE = /^#\s+\d\d\s+[—-]\s+(.+)$/m;

export function listChapters(chaptersDir: string): Chapter[] {
  return readdirSync(chaptersDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && CHAPTER_FOLDER.test(entry.name))
    .map((entry) => readChapter(chaptersDir, entry.name))
    .sort((a, b) => a.number - b.number);
}

function readChapter(chaptersDir: string, slug: string): Chapter {
  const readme = readFileSync(join(chaptersDir, slug, 'README.md'), 'utf8');
  return {
    number: Number(slug.slice(0, 2)),
    slug,
    title: readme.match(TITLE)?.[1]?.trim() ?? slug,
    hints: hintsOf(readme),
  };
}

/** The `- ` bullets under `## Hints`, up to the next heading. */
function hintsOf(readme: string): string[] {
  const section = readme.split(/^## Hints\s*$/m)[1]?.split(/^#/m)[0] ?? '';
  return section
    .split(/^- /m)
    .slice(1)
    .map((bullet) => bullet.replace(/\s+/g, ' ').trim())
    .filter((bullet) => bullet !== '');
}
