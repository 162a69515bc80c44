/** What `--live N` runs: the kata's topology, with the processing guarantee its own settings ask for (chapter 14's). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listChapters } from '../../tools/chapters.js';
import { loadKata } from '../../tools/live.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chapter = (n: number) => {
  const found = listChapters(join(PACKAGE_DIR, 'chapters')).find((c) => c.number === n);
  if (found === undefined) throw new Error(`no chapter ${n}`);
  return found;
};

describe('the kata --live runs', () => {
  it('runs chapter 14 exactly-once when the kata asks for it, at-least-once as the untouched starter says', async () => {
    expect((await loadKata(PACKAGE_DIR, 'solutions', chapter(14))).processingGuarantee).toBe('exactly_once_v2');
    expect((await loadKata(PACKAGE_DIR, 'chapters', chapter(14))).processingGuarantee).toBe('at_least_once');
  });

  it('leaves the guarantee to the runner’s default for a kata without settings', async () => {
    const kata = await loadKata(PACKAGE_DIR, 'solutions', chapter(5));
    expect(kata.processingGuarantee).toBeUndefined();
    expect(kata.topology.sinkTopics).toContain('kata-05-price-alerts');
  });
});
