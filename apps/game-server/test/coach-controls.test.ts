/**
 * The coach's inputs are strict: a reset takes a JSON body with known fields
 * only (a misspelt field would otherwise reset the game with a random seed),
 * and a game that has ended is not paused or resumed — only reset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from './support/test-server.js';

describe('coach controls', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server?.close());

  const reset = (options: { body?: unknown; rawBody?: string; contentType?: string }) =>
    http(server, 'POST', '/api/game/reset', { token: ADMIN_TOKEN, ...options });

  it('resets with a chosen seed, or a fresh one without a body', async () => {
    expect(await reset({ body: { seed: 'chosen-seed' } })).toMatchObject({ status: 200, body: { status: 'running', seed: 'chosen-seed' } });
    const fresh = await reset({});
    expect(fresh.status).toBe(200);
    expect(fresh.body.seed).not.toBe('chosen-seed');
    expect((await reset({ body: {} })).status).toBe(200);
  });

  it('refuses a misspelt field by name and keeps the game as it was', async () => {
    const before = server.game.seed;
    const refused = await reset({ body: { sed: 'chosen-seed' } });
    expect(refused).toMatchObject({
      status: 400,
      body: { message: 'sed: not a known field (known fields: seed)', problems: [{ field: 'sed' }] },
    });
    expect(server.game.seed).toBe(before);
  });

  it.each([
    [{ seed: 42 }, 'seed: expected the seed as a string, got 42'],
    [{ seed: '' }, 'seed: expected a seed of at least 1 character, got an empty string'],
    [{ seed: 's'.repeat(201) }, 'seed: expected a seed of at most 200 characters, got a string of 201 characters'],
    [['seed'], 'body: expected a JSON object, got an array'],
    [null, 'body: expected a JSON object, got null'],
  ])('refuses the body %j: %s', async (body, message) => {
    const before = server.game.seed;
    expect(await reset({ rawBody: JSON.stringify(body) })).toMatchObject({ status: 400, body: { message } });
    expect(server.game.seed).toBe(before);
  });

  it('refuses a text/plain body instead of resetting with a random seed', async () => {
    const before = server.game.seed;
    const refused = await reset({ rawBody: '{"seed":"chosen-seed"}', contentType: 'text/plain' });
    expect(refused).toMatchObject({
      status: 400,
      body: { message: 'body: expected a JSON body with content-type: application/json, got text/plain' },
    });
    expect(server.game.seed).toBe(before);
  });

  it('answers pause and resume after the end with 409 and the reason; a reset starts over', async () => {
    expect((await http(server, 'POST', '/api/game/end', { token: ADMIN_TOKEN })).status).toBe(200);
    for (const command of ['resume', 'pause']) {
      const refused = await http(server, 'POST', `/api/game/${command}`, { token: ADMIN_TOKEN });
      expect(refused).toMatchObject({ status: 409, body: { statusCode: 409, error: 'Conflict' } });
      expect(refused.body.message).toMatch(/^the game has ended/);
      expect(server.game.status).toBe('ended');
    }
    expect((await http(server, 'POST', '/api/game/end', { token: ADMIN_TOKEN })).status).toBe(200);
    expect((await reset({})).body.status).toBe('running');
    expect(await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN })).toMatchObject({ status: 200, body: { status: 'paused' } });
    expect(await http(server, 'POST', '/api/game/resume', { token: ADMIN_TOKEN })).toMatchObject({ status: 200, body: { status: 'running' } });
  });
});
