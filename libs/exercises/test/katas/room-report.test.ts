/**
 * `npm run exercises -- --report URL`: the chapter table goes to the coach's
 * morning board on the built game server (a process of its own), read back
 * from GET /api/morning as /coach/morning reads it; a server that is not
 * there, or EXERCISES_REPORTS=off, is one line and the run's own verdict.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, morningBoardSchema } from '@banana-market/protocol';
import { startServerProcess, type ServerProcess } from '../../../../tools/built-server/server-process.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function exercises(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(TSX, ['--conditions=@banana-market/source', 'libs/exercises/tools/exercises.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run exercises -- --report', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  }, 30_000);
  afterAll(() => server?.stop());

  it("posts the participant's chapter table to the morning board, one row per participant", async () => {
    const run = exercises(['--chapter', '0', '--solutions', '--report', server.url, '--name', 'ada']);
    expect(run.out).toContain(`room report sent to ${server.url}${API_PATHS.coachMorningPage} as "ada"`);
    expect(run.status).toBe(0);
    const again = exercises(['--chapter', '1', '--report', server.url, '--name', 'ada']);
    expect(again.status).toBe(1);
    const board = morningBoardSchema.parse(await (await fetch(new URL(API_PATHS.morningBoard, server.url))).json());
    // The last report wins: chapter 1, failing (the untouched starter), with what to do next.
    expect(board.participants).toHaveLength(1);
    expect(board.participants[0]).toMatchObject({
      participant: 'ada',
      chapters: [{ chapter: 1, passed: expect.any(Number), next: expect.stringMatching(/^make this pass: |^fix the code/) }],
    });
    expect(board.participants[0].chapters[0].failed).toBeGreaterThan(0);
    expect(board.stuck).toMatchObject({ chapter: 1, participants: 1 });
  }, 60_000);

  it('says in one line when the server is not there, or reports are off, and keeps the run verdict', () => {
    const away = exercises(['--chapter', '0', '--solutions', '--report', 'http://127.0.0.1:9', '--name', 'bob']);
    expect(away.status).toBe(0);
    expect(away.out).toMatch(/^room report not sent: http:\/\/127\.0\.0\.1:9 did not answer \(/m);
    const off = exercises(['--chapter', '0', '--solutions', '--report', server.url], { EXERCISES_REPORTS: 'off' });
    expect(off.out).toContain('room report: off (EXERCISES_REPORTS=off)');
    const badName = exercises(['--chapter', '0', '--report', server.url, '--name', 'no/slash']);
    expect(badName.status).toBe(2);
    expect(badName.err.split('\n')[0]).toBe('--name must be 1-64 characters among A-Z a-z 0-9 _ . @ - and spaces, got "no/slash"');
  }, 60_000);
});
