/**
 * Replays in virtual time through the real server: the shipped sample plays
 * at its recorded pace (or faster), loops with fresh ids, and a bad file
 * stops the server before it starts, naming the line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { API_PATHS, type GibbSourcesView } from '@banana-market/protocol';
import { ConfigError } from '../../src/config/server-config.js';
import { parseReplay } from '../../src/gibbs/replay/replay-file.js';
import { REPLAY_LOOP_PAUSE_MS } from '../../src/gibbs/replay/replay-gibb-source.js';
import { captureGibbs } from '../support/gibb-capture.js';
import { http, startTestServer, virtualClock, type TestServer } from '../support/test-server.js';
import { settle } from '../support/virtual-time.js';

const SAMPLE = fileURLToPath(new URL('../../../../samples/gibbs-evening.jsonl', import.meta.url));
const sampleEntries = parseReplay(readFileSync(SAMPLE, 'utf8'), 'sample');

async function replayStatus(server: TestServer) {
  const response = await http(server, 'GET', API_PATHS.gibbSources);
  return (response.body as GibbSourcesView).sources.find((source) => source.name === 'replay');
}

describe('the replay source', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function replayServer(env: Record<string, string>) {
    const clock = virtualClock();
    const server = await startTestServer({ clock, env: { GIBB_REPLAY_FILE: SAMPLE, ...env } });
    servers.push(server);
    const { gibbs } = await captureGibbs(server.bus);
    return { clock, server, gibbs, startedAt: clock.now() };
  }

  it('plays the sample at ten times its recorded pace, each gibb when it is due', async () => {
    const { clock, server, gibbs, startedAt } = await replayServer({ GIBB_REPLAY_SPEED: '10' });
    const last = sampleEntries.at(-1)!.offsetMs / 10;
    // Halfway, exactly the gibbs recorded in the first half have played.
    clock.advance(last / 2);
    await settle(server);
    expect(gibbs).toHaveLength(sampleEntries.filter((entry) => entry.offsetMs / 10 <= last / 2).length);
    expect(await replayStatus(server)).toMatchObject({ live: true, state: 'playing' });
    clock.advance(last / 2);
    await settle(server);
    expect(gibbs.map((g) => g.text)).toEqual(sampleEntries.map((entry) => entry.text));
    expect(gibbs.map((g) => Date.parse(g.time) - startedAt)).toEqual(sampleEntries.map((entry) => entry.offsetMs / 10));
    expect(new Set(gibbs.map((g) => g.id)).size).toBe(gibbs.length);
    expect(await replayStatus(server)).toMatchObject({ live: false, state: 'finished', published: sampleEntries.length, duplicates: 0 });
  });

  it('loops with new ids, so the second round moves the market again', async () => {
    const { clock, server, gibbs } = await replayServer({ GIBB_REPLAY_SPEED: '100', GIBB_REPLAY_LOOP: 'true' });
    const round = sampleEntries.at(-1)!.offsetMs / 100;
    clock.advance(round + REPLAY_LOOP_PAUSE_MS + round);
    await settle(server);
    expect(gibbs).toHaveLength(2 * sampleEntries.length);
    expect(new Set(gibbs.map((g) => g.id)).size).toBe(2 * sampleEntries.length);
    expect(gibbs[sampleEntries.length].text).toBe(sampleEntries[0].text);
    expect(await replayStatus(server)).toMatchObject({ live: true, state: 'playing', published: 2 * sampleEntries.length });
  });

  it('refuses to start on a bad file, naming the line and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"time":"2026-11-22T09:30:00Z","text":"banana up #MKTD"}\n\n{"time":"yesterday","text":"oops"}\n');
    const failure = await startTestServer({ env: { GIBB_REPLAY_FILE: bad } }).then(
      (server) => server.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/bad\.jsonl line 3: time: expected an ISO-8601 time/);
    await expect(startTestServer({ env: { GIBB_REPLAY_FILE: join(dir, 'missing.jsonl') } })).rejects.toThrow(
      /missing\.jsonl: cannot read it \(ENOENT\)/,
    );
  });
});

describe('replay files', () => {
  it('sorts by time, keeps file order for equal times, and measures offsets from the first gibb', () => {
    const entries = parseReplay(
      [
        '{"time":"2026-11-22T09:30:10Z","text":"b"}',
        '{"time":"2026-11-22T09:30:00Z","text":"a","id":"first"}',
        '{"time":"2026-11-22T09:30:10Z","text":"c"}',
      ].join('\n'),
      'f',
    );
    expect(entries).toEqual([
      { offsetMs: 0, text: 'a', id: 'first' },
      { offsetMs: 10_000, text: 'b', id: 'line-1' },
      { offsetMs: 10_000, text: 'c', id: 'line-3' },
    ]);
  });

  it.each([
    ['not json', /f line 1: expected a JSON object/],
    ['{"time":"2026-11-22T09:30:10Z"}', /f line 1: text: expected the text of the gibb/],
    [`{"time":"2026-11-22T09:30:10Z","text":"${'x'.repeat(281)}"}`, /f line 1: text: expected at most 280 characters/],
    ['{"time":12,"text":"a"}', /f line 1: time: expected an ISO-8601 time/],
    ['\n\n', /f: no gibbs in the file/],
  ])('refuses %j with the line and the field', (text, message) => {
    expect(() => parseReplay(text, 'f')).toThrow(message);
  });
});
