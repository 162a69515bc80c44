/**
 * POST /api/gibbs as the room uses it: a few gibbs per client per window
 * (counted on the game clock, here virtual), a refusal that says how long to
 * wait, the coach's admin token never limited, and a closed gibber.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_PATHS, type GibbSourcesView } from '@banana-market/protocol';
import { ADMIN_TOKEN, http, startTestServer, virtualClock, type TestServer } from '../support/test-server.js';

describe('the gibber endpoint', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function start(env: Record<string, string>) {
    const clock = virtualClock();
    const server = await startTestServer({ clock, env });
    servers.push(server);
    return { clock, server };
  }

  const post = (server: TestServer, text: string, token?: string) => http(server, 'POST', API_PATHS.gibbs, { body: { text }, token });

  it('limits each client per window, says how long to wait, and forgets after the window', async () => {
    const { clock, server } = await start({ GIBBER_LIMIT: '3', GIBBER_WINDOW_MS: '30000' });
    for (let i = 0; i < 3; i++) expect((await post(server, `banana ${i}`)).status).toBe(202);
    clock.advance(10_000);
    const refused = await fetch(`${server.url}${API_PATHS.gibbs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'one too many' }),
    });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'too many gibbs: at most 3 every 30 s from one device; try again in 30 s',
    });
    expect(refused.headers.get('retry-after-gibber')).toBe('30');
    // The coach is not limited.
    expect((await post(server, 'coach says banana', ADMIN_TOKEN)).status).toBe(202);
    clock.advance(30_000);
    expect((await post(server, 'banana again')).status).toBe(202);
    const sources = (await http(server, 'GET', API_PATHS.gibbSources)).body as GibbSourcesView;
    expect(sources.sources).toEqual([expect.objectContaining({ name: 'gibber', live: true, state: 'open', published: 5, duplicates: 0 })]);
    expect(sources.sources[0].detail).toContain('at most 3 per 30 s per client');
  });

  it('refuses the room when the coach closed the gibber, but not the coach', async () => {
    const { server } = await start({
      GIBB_SOURCES: 'replay',
      GIBB_REPLAY_FILE: new URL('../../../../samples/gibbs-evening.jsonl', import.meta.url).pathname,
    });
    const refused = await post(server, 'banana up');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('the gibber is closed: the coach left it out of GIBB_SOURCES');
    expect((await post(server, 'banana up', ADMIN_TOKEN)).status).toBe(202);
    const sources = (await http(server, 'GET', API_PATHS.gibbSources)).body as GibbSourcesView;
    expect(sources.sources.map((source) => [source.name, source.live])).toEqual([
      ['gibber', false],
      ['replay', true],
    ]);
  });
});
