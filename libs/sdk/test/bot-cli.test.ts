/**
 * The participant's loop with `npm run bot` (issue #21), as a participant
 * runs it: the real CLI in a process of its own, the built server in
 * another. A bot file's wrong decision is caught by `--check` and, in play,
 * is one line while the bot plays on; a throwing decide() is one line with
 * the bot's file and line, no stack; a bot started with its token survives a
 * SIGKILL of the embedded server with its score.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import { API_PATHS } from '@banana-market/protocol';
import { startServerProcess, type ServerProcess } from '../../../tools/built-server/server-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUN_BOT = ['--conditions=@banana-market/source', 'libs/sdk/src/runner/run-bot.ts'];
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const FIXTURES = 'libs/sdk/test/fixtures/bots';
/**
 * Each playing test starts the built server and a bot (tsx), then waits up to 20 s for lines, and the last one
 * starts the server twice and waits up to 50 s: vitest's 20 s default is shorter than their own waits. On a quiet
 * machine they take 3–7 s; the restart test once ran out at 20 s in a full CI run.
 */
const PLAYING = { timeout: 45_000 };
const RESTARTING = { timeout: 90_000 };

function check(file: string): { status: number | null; lines: string[] } {
  const run = spawnSync(TSX, [...RUN_BOT, '--check', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BANANA_TOKEN: '' } });
  return { status: run.status, lines: `${run.stdout}${run.stderr}`.trim().split('\n') };
}

/** The bot CLI in a process of its own, its output kept line by line. */
function runBot(args: string[], env: Record<string, string> = {}): { child: ChildProcess; lines: string[] } {
  const lines: string[] = [];
  const child = spawn(TSX, [...RUN_BOT, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let partial = '';
  const take = (d: Buffer) => {
    const text = partial + d.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  // A wait that runs out says only what it last expected: show what the bot printed until then.
  onTestFailed(() => console.error(`the bot's output:\n${[...lines, partial].join('\n')}`));
  return { child, lines };
}

describe('npm run bot -- --check', () => {
  it('reports a wrong invest decision in one line, with what was expected and what came', () => {
    const { status, lines } = check(`${FIXTURES}/wrong-invest.ts`);
    expect(status).toBe(1);
    expect(lines).toEqual([
      `✓ ${FIXTURES}/wrong-invest.ts type-checks`,
      expect.stringMatching(
        /^✗ wrong decision at \d+:\d\d of the check game \(price \d+\.\d+\): invest: expected \{kind: "invest", invested: …\}, got \{"kind":"invest","coins":3\} \(invested: is missing/,
      ),
    ]);
  });

  it('reports a type error with the file and line, and a throwing decide() with the line that threw', () => {
    const typo = check(`${FIXTURES}/typo.ts`);
    expect(typo.status).toBe(1);
    expect(typo.lines[1]).toMatch(new RegExp(`^  ${FIXTURES}/typo\\.ts:4:\\d+: error TS2353: .*'coins' does not exist`));
    const throws = check(`${FIXTURES}/throws.ts`);
    expect(throws.status).toBe(1);
    expect(throws.lines[1]).toMatch(
      new RegExp(`^✗ decide\\(\\) threw at ${FIXTURES}/throws\\.ts:5:\\d+: TypeError: Cannot read properties of undefined`),
    );
  });

  it('passes the starter bot', () => {
    const { status, lines } = check('bots/my-bot.ts');
    expect(lines.join('\n')).toMatch(/✓ bots\/my-bot\.ts type-checks\n✓ \d+ decisions over a 20-minute check game/);
    expect(status).toBe(0);
  });
});

describe('npm run bot, playing on the built server', () => {
  let server: ServerProcess | undefined;
  let dataDir: string;
  const bots: ChildProcess[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'banana-bot-cli-'));
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) bot.kill('SIGKILL');
    await server?.stop('SIGKILL');
    server = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('skips a wrong decision with one line and keeps playing', PLAYING, async () => {
    server = await startServerProcess({ TICK_MS: '100' });
    const bot = runBot(['--team', 'CLI', '--name', 'wrong', '--strategy', `${FIXTURES}/wrong-invest.ts`, '--server', server.url]);
    bots.push(bot.child);
    await vi.waitFor(
      () => {
        const bad = bot.lines.findIndex((l) =>
          l.includes('✗ bad decision, skipped: invest: expected {kind: "invest", invested: …}, got {"kind":"invest","coins":3}'),
        );
        expect(bad).toBeGreaterThanOrEqual(0);
        expect(bot.lines.slice(bad + 1).some((l) => /→ FEED 1 +→ ACCEPTED/.test(l))).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(bot.child.exitCode).toBeNull();
    expect(bot.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  });

  it('says in one line where decide() threw, without a stack, and plays on', PLAYING, async () => {
    server = await startServerProcess({ TICK_MS: '100' });
    const bot = runBot(['--team', 'CLI', '--name', 'thrower', '--strategy', `${FIXTURES}/throws.ts`, '--server', server.url]);
    bots.push(bot.child);
    await vi.waitFor(() => expect(bot.lines.some((l) => l.startsWith('✗ decide() threw'))).toBe(true), { timeout: 20_000, interval: 100 });
    const thrown = bot.lines.filter((l) => l.startsWith('✗ decide() threw'));
    expect(thrown).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✗ decide\\(\\) threw at ${FIXTURES}/throws\\.ts:5:\\d+: TypeError: .* — this tick is skipped, the bot plays on \\(--verbose for the stack\\)$`,
        ),
      ),
    ]);
    // It threw on every tick since the fourth; still one line, no stack, and the process lives.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bot.lines.filter((l) => l.startsWith('✗ decide() threw'))).toHaveLength(1);
    expect(bot.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(bot.child.exitCode).toBeNull();
  });

  it('keeps playing with its score after the embedded server is SIGKILLed and restarted, its token read from BANANA_TOKEN', RESTARTING, async () => {
    server = await startServerProcess({ TICK_MS: '100', DATA_DIR: dataDir });
    const port = String(server.port);
    const registered = await fetch(new URL(API_PATHS.traders, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ team: 'CLI', name: 'stayer' }),
    });
    const { token } = (await registered.json()) as { token: string };
    const bot = runBot(['--team', 'CLI', '--name', 'stayer', '--strategy', 'feeder', '--server', server.url], { BANANA_TOKEN: token });
    bots.push(bot.child);
    const fedOf = (line: string) => Number(/ fed (\d+) /.exec(line)?.[1] ?? Number.NaN);
    const fedBefore = await vi.waitFor(
      () => {
        const fed = bot.lines.map(fedOf).filter((n) => n > 0);
        expect(fed.length).toBeGreaterThan(0);
        return Math.max(...fed);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(bot.lines.join('\n')).not.toContain(token);
    await server.stop('SIGKILL');
    const linesBefore = bot.lines.length;
    server = await startServerProcess({ TICK_MS: '100', DATA_DIR: dataDir, PORT: port });
    await vi.waitFor(
      () => {
        const after = bot.lines.slice(linesBefore);
        expect(after.some((l) => l.includes('reconnected'))).toBe(true);
        expect(after.some((l) => /→ ACCEPTED/.test(l) && fedOf(l) >= fedBefore)).toBe(true);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(bot.lines.some((l) => l.includes('giving up'))).toBe(false);
    expect(bot.child.exitCode).toBeNull();
  });
});
