/**
 * Reading the katas' files as participants see them: the region between the
 * marks of `kata.ts`, the names imported above the marks, the names a
 * `given.ts` exports, and the list a chapter's README gives of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const START_MARK = '// ===== your job starts here =====';
export const END_MARK = '// ===== your job ends here =====';

/** A kata file cut at its marks: `before` ends with the start mark's line, `after` begins with the end mark's line. */
export interface MarkedKata {
  readonly before: string;
  readonly region: string;
  readonly after: string;
}

/** Cuts a kata at its marks; throws unless each mark is there exactly once, on a line of its own, the start first. */
export function cutAtMarks(source: string, file: string): MarkedKata {
  const lines = source.split('\n');
  const startLines = indexesOf(lines, START_MARK);
  const endLines = indexesOf(lines, END_MARK);
  if (startLines.length !== 1 || endLines.length !== 1 || startLines[0] > endLines[0]) {
    throw new Error(
      `${file}: expected one "${START_MARK}" line then one "${END_MARK}" line, found the start on lines [${startLines.map((i) => i + 1)}] and the end on lines [${endLines.map((i) => i + 1)}]`,
    );
  }
  const [start, end] = [startLines[0], endLines[0]];
  return {
    before: `${lines.slice(0, start + 1).join('\n')}\n`,
    region: lines.slice(start + 1, end).join('\n'),
    after: `\n${lines.slice(end).join('\n')}`,
  };
}

function indexesOf(lines: readonly string[], mark: string): number[] {
  return lines.flatMap((line, i) => (line.trim() === mark ? [i] : []));
}

/** The starter with only its marked region replaced by the solution's. */
export function pasteRegion(starter: MarkedKata, solution: MarkedKata): string {
  return `${starter.before}${solution.region}${starter.after}`;
}

/** The names each `import { … } from '…'` of the source brings in (`type` or not, `as` renames by their local name), per module. */
export function importedNames(source: string): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const match of source.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';/gm)) {
    imports.set(match[2], [...(imports.get(match[2]) ?? []), ...namesIn(match[1])]);
  }
  return imports;
}

/** The names a module exports: declarations (`export const|function|class|interface|type|enum X`) and lists (`export { a, type B }`, with or without `from`). */
export function exportedNames(source: string): string[] {
  const declared = [
    ...source.matchAll(/^export\s+(?:declare\s+)?(?:const|let|var|function\*?|async\s+function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm),
  ].map((m) => m[1]);
  const listed = [...source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)].flatMap((m) => namesIn(m[1]));
  return [...new Set([...declared, ...listed])];
}

/** `a, type B, c as d` → [a, B, d]: the names an import list brings in, or an export list exports. */
function namesIn(list: string): string[] {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^type\s+/, ''))
    .filter((item) => item !== '')
    .map((item) => {
      const [name, alias] = item.split(/\s+as\s+/);
      return alias ?? name;
    });
}

export const README_IMPORTS_HEADING = '## What kata.ts imports for you';

/**
 * The names a chapter README's "What kata.ts imports for you" section lists:
 * in each bullet, the backticked names before its " — ", e.g.
 * "- `isoAt(ms)` — …" lists isoAt, "- `GRACE_MS`, `WINDOW_SIZE_MS` — …" both.
 * Undefined when the README has no such section.
 */
export function namesListedInReadme(readme: string): string[] | undefined {
  const [, section] = readme.split(`${README_IMPORTS_HEADING}\n`);
  if (section === undefined) return undefined;
  const body = section.split(/^## /m)[0];
  return body
    .split(/^- /m)
    .slice(1)
    .flatMap((bullet) => [...(bullet.split(' — ')[0] ?? '').matchAll(/`([A-Za-z_$][\w$]*)(?:\([^`]*\))?`/g)].map((m) => m[1]));
}

export function readText(...path: string[]): string {
  return readFileSync(join(...path), 'utf8');
}
