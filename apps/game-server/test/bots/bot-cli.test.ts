/**
 * `npm run bot` as a participant meets it: setup mistakes get one clear line
 * and a non-zero exit code; a bot file that throws gets one line pointing at
 * its own line, and the bot plays on.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from '../support/test-server.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const THROWING_BOT = fileURLToPath(new URL('./fixtures/throwing-bot.ts', import.meta.url));

function bot(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', '--conditions=@banana-market/source', 'libs/sdk/src/runner/run-bot.ts', ...args],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bot', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TICK_MS: '50', HOUSE_BOTS: '0' } });
  });
  afterAll(() => server.close());

  it('names the strategies when given an unknown one', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n1', '--strategy', 'moonshot', '--server', server.url]);
    expect(code).not.toBe(0);
    expect(output).toContain('unknown strategy "moonshot": expected one of random, forecast, investor, feeder');
  });

  it('says which server it cannot reach', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n2', '--server', 'http://127.0.0.1:9']);
    expect(code).not.toBe(0);
    expect(output).toMatch(/cannot reach the game server at http:\/\/127\.0\.0\.1:9/);
  });

  it('refuses a wrong token', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n3', '--token', 'not-a-token', '--server', server.url]);
    expect(code).not.toBe(0);
    expect(output).toContain('did not accept the token for T/n3');
  });

  it('says in one line where the bot file threw, and plays on until Ctrl-C', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n4', '--strategy', THROWING_BOT, '--server', server.url], 4000);
    const thrown = output.split('\n').filter((line) => line.startsWith('✗ decide() threw'));
    expect(thrown).toEqual([
      expect.stringMatching(/^✗ decide\(\) threw at \S*throwing-bot\.ts:\d+:\d+: Error: oops, my bot is broken — this tick is skipped/),
    ]);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).toContain('stopping');
    expect(code).toBe(0);
  });

  it('rejects a bad team name before connecting', async () => {
    const { code, output } = await bot(['--team', 'has space', '--name', 'n5']);
    expect(code).toBe(2);
    expect(output).toContain('--team');
  });

  it('refuses an unknown flag, naming it, with exit code 2 and the usage', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n7', '--stratgy', 'feeder']);
    expect(code).toBe(2);
    expect(output).toContain("Unknown option '--stratgy'");
    expect(output).toContain('usage: npm run bot --');
  });

  it('prints the usage on --help and exits 0', async () => {
    const { code, output } = await bot(['--help']);
    expect(code).toBe(0);
    expect(output).toMatch(/^usage: npm run bot -- --team TEAM --name NAME/);
  });

  it('runs a strategy and stops cleanly on Ctrl-C', async () => {
    const { code, output } = await bot(['--team', 'T', '--name', 'n6', '--strategy', 'feeder', '--server', server.url], 4000);
    expect(output).toContain('T/n6 plays "feeder"');
    expect(output).toMatch(/→ (FEED|BUY|INVEST)/);
    expect(output).toContain('stopping');
    expect(code).toBe(0);
  });

  describe('with join codes (REGISTRATION=codes)', () => {
    let coded: TestServer;
    let joinCode: string;
    beforeAll(async () => {
      coded = await startTestServer({ env: { TICK_MS: '50', HOUSE_BOTS: '0', REGISTRATION: 'codes' } });
      const created = await http(coded, 'POST', '/api/teams', { token: ADMIN_TOKEN, body: { teams: ['T'] } });
      joinCode = created.body.teams[0].code;
    });
    afterAll(() => coded.close());

    it("says the server wants the team's code when it has none", async () => {
      const { code, output } = await bot(['--team', 'T', '--name', 'c1', '--server', coded.url]);
      expect(code).not.toBe(0);
      expect(output).toContain('the server refused the registration (403): code: the join code of team "T" (from the coach)');
    });

    it('registers with --code and plays', async () => {
      const { code, output } = await bot(['--team', 'T', '--name', 'c2', '--code', joinCode, '--server', coded.url], 4000);
      expect(output).toContain('T/c2 plays "feeder"');
      expect(code).toBe(0);
    });
  });
});
