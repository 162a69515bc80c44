/**
 * `npm run simulate -- --strategy FILE` as a participant runs it (issue #21):
 * their bot against the built-in strategies in virtual time, its table and
 * its score per seed, its bad decisions counted; a bad flag is one line and
 * exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function simulate(...args: string[]) {
  const run = spawnSync(TSX, ['--conditions=@banana-market/source', 'tools/simulate/simulate.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run simulate -- --strategy', () => {
  it("plays the participant's bot against the built-ins: the table, its score and rank per seed, its bad decisions", () => {
    const { status, out } = simulate('--strategy', 'libs/sdk/test/fixtures/bots/wrong-invest.ts', '--seeds', '2', '--hours', '0.25');
    expect(status).toBe(0);
    expect(out).toMatch(/^\| strategy \| mean score \| min \| max \| best of 2 seeds \|$/m);
    for (const name of ['wrong-invest', 'investor', 'feeder', 'forecast', 'random'])
      expect(out).toMatch(new RegExp(`^\\| ${name} \\| -?\\d+\\.\\d \\|`, 'm'));
    expect(out).toMatch(/^\| tournament-0 \| -?\d+ \| [1-5] \|$/m);
    expect(out).toMatch(/^\| tournament-1 \| -?\d+ \| [1-5] \|$/m);
    expect(out).toMatch(/^✗ \d+× bad decision: invest: expected \{kind: "invest", invested: …\}, got \{"kind":"invest","coins":3\}/m);
  });

  it('refuses a bad flag or a missing bot file in one line with exit code 2', () => {
    const unknown = simulate('--strategy', 'bots/my-bot.ts', '--seeds', 'many');
    expect(unknown.status).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe('--seeds must be a whole number of at least 1, got "many"');
    const missing = simulate('--strategy', 'bots/nobody.ts');
    expect(missing.status).toBe(2);
    expect(missing.err.split('\n')[0]).toMatch(/^--strategy bots\/nobody\.ts: bot file not found: .*bots\/nobody\.ts$/);
    expect(`${unknown.err}${missing.err}`).not.toMatch(/^\s+at /m);
  });
});
