import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
// The package exports no bin path, so find it next to its package.json.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

describe('the streams tests type-check', () => {
  it("tsc finds no error in test/streams (types.test.ts states the DSL's types)", { timeout: 60_000 }, async () => {
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', here]).then(
      () => '',
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(result).toBe('');
  });
});
