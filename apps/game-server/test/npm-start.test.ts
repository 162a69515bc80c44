/**
 * `npm start` as a coach runs it: the built server on the wall clock answers
 * /api/health quickly, the price moves every tick, the house bots show up,
 * and the console shows the seed's commitment, not the seed.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Stops the process (if it still runs) and waits for it to exit, so that its data directory can go. */
async function ended(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

describe('the started server', () => {
  // A game of its own: never the repository's ./.banana-data.
  const dataDir = mkdtempSync(join(tmpdir(), 'banana-npm-start-'));
  let child: ChildProcess;
  let url: string;
  let startupMs: number;
  const output: string[] = [];

  beforeAll(async () => {
    await run('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot });
    const started = Date.now();
    child = spawn(process.execPath, [mainJs], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        TICK_MS: '200',
        HOUSE_BOTS: '3',
        ADMIN_TOKEN: undefined,
        GAME_SEED: undefined,
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line within 10 s:\n${output.join('')}`)), 10_000);
      child.stdout?.on('data', (d: Buffer) => {
        output.push(d.toString());
        const match = /open: (http:\/\/localhost:\d+)/.exec(output.join(''));
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    for (;;) {
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() - started > 10_000) throw new Error('health did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    startupMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    await ended(child, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers health within 10 s, prints the admin token and the seed's commitment", () => {
    console.log(`server answered /api/health ${startupMs} ms after start`);
    expect(startupMs).toBeLessThan(10_000);
    // The coach's lines first: no route mappings, the room's URL (HOST here) and its QR code.
    const printed = output.join('');
    expect(printed).not.toMatch(/Mapped \{|RouterExplorer|InstanceLoader/);
    expect(printed.indexOf('Banana Market is open')).toBeLessThan(printed.indexOf('game started'));
    expect(printed).toMatch(/join the game from the room: http:\/\/127\.0\.0\.1:\d+\n/);
    expect(printed).toContain('▄▄▄▄▄▄▄');
    expect(output.join('')).toMatch(/admin token \(generated; set ADMIN_TOKEN to choose one\): \S{16,}/);
    expect(output.join('')).toMatch(/game seed commitment: [0-9a-f]{64} /);
  });

  it('moves the price every tick and shows the house bots on the leaderboard', async () => {
    const first = await (await fetch(`${url}/api/market`)).json();
    const prices = new Set<number>([first.price]);
    let board: { traders: Array<{ team: string }> } = { traders: [] };
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      prices.add((await (await fetch(`${url}/api/market`)).json()).price);
      board = await (await fetch(`${url}/api/leaderboard`)).json();
      if (prices.size >= 4 && board.traders.filter((t) => t.team === 'HOUSE').length === 3) break;
    }
    expect(prices.size).toBeGreaterThanOrEqual(4);
    expect(board.traders.filter((t) => t.team === 'HOUSE')).toHaveLength(3);
  });

  it('keeps the generated seed off the console until the end, and reveals the committed one', async () => {
    const printed = output.join('');
    const adminToken = /admin token \(generated; set ADMIN_TOKEN to choose one\): (\S+)/.exec(printed)![1];
    const commitment = /game seed commitment: ([0-9a-f]{64})/.exec(printed)![1];
    const ended = await fetch(`${url}/api/game/end`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    const { seed } = (await ended.json()) as { seed: string };
    expect(seed).toMatch(/^[0-9a-f]{32}$/);
    expect(createHash('sha256').update(seed).digest('hex')).toBe(commitment);
    expect(printed).not.toContain(seed);
  });
});

describe('a clean stop and `npm start` again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'banana-clean-stop-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The built server on `dataDir` with a generated seed; resolves with its URL and a way to read what it printed. */
  async function start(args: string[] = []): Promise<{ child: ChildProcess; url: string; printed: () => string }> {
    const printed: string[] = [];
    const child = spawn(process.execPath, [mainJs, ...args], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        TICK_MS: '100',
        HOUSE_BOTS: '3',
        GAME_SEED: undefined,
        ADMIN_TOKEN: undefined,
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => printed.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => printed.push(d.toString()));
    const port = await vi.waitFor(
      () => {
        const match = /open: http:\/\/localhost:(\d+)/.exec(printed.join(''));
        if (!match) throw new Error(`not open yet:\n${printed.join('')}`);
        return match[1];
      },
      { timeout: 20_000, interval: 50 },
    );
    return { child, url: `http://127.0.0.1:${port}`, printed: () => printed.join('') };
  }

  const tickOf = async (url: string): Promise<number> => ((await (await fetch(`${url}/api/market`)).json()) as { tick: number }).tick;

  it('saves the game on Ctrl-C (exit 0 within 5 s) and resumes it at the same tick, with the same seed; --fresh starts anew', async () => {
    const first = await start();
    await vi.waitFor(async () => expect(await tickOf(first.url)).toBeGreaterThanOrEqual(10), { timeout: 20_000, interval: 100 });
    const commitment = /game seed commitment: ([0-9a-f]{64})/.exec(first.printed())![1];
    const stopped = Date.now();
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5000);
    const saved = /game saved at tick (\d+); `npm start` resumes it/.exec(first.printed());
    expect(saved, first.printed()).not.toBeNull();
    const tick = Number(saved![1]);

    const second = await start();
    try {
      await vi.waitFor(() => expect(second.printed()).toContain('resuming game'), { timeout: 5_000, interval: 50 });
      expect(second.printed()).toMatch(new RegExp(`resuming game ${commitment.slice(0, 16)} at tick ${tick} \\(3 traders\\), running`));
      expect(second.printed()).toContain(`game seed commitment: ${commitment}`);
      expect(await tickOf(second.url)).toBeGreaterThanOrEqual(tick);
    } finally {
      await ended(second.child, 'SIGKILL');
    }

    const fresh = await start(['--fresh']);
    try {
      await vi.waitFor(() => expect(fresh.printed()).toMatch(/game started, seed commitment/), { timeout: 5_000, interval: 50 });
      expect(fresh.printed()).not.toContain(commitment);
      expect(await tickOf(fresh.url)).toBeLessThan(tick);
    } finally {
      await ended(fresh.child, 'SIGKILL');
    }
  }, 90_000);
});

describe('a port already in use', () => {
  it('is one line naming the port and what to do, exit code 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await run(process.execPath, [mainJs], {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HOUSE_BOTS: '0', DATA_DIR: '' },
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain('Banana Market is open');
      expect(result.stderr.trim().split('\n')).toEqual([
        `banana-market: port ${port} is already in use on 127.0.0.1 (PORT): stop what listens there, or start with PORT=<another port>`,
      ]);
    } finally {
      taken.close();
    }
  }, 30_000);
});
