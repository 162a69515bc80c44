/**
 * REGISTRATION=codes|closed: the coach creates teams and hands out their
 * join codes; registration needs the right team's code. Codes and tokens
 * appear in no log line and no topic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleLogger } from '@nestjs/common';
import { ALL_TOPICS } from '@banana-market/protocol';
import { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from './support/test-server.js';

/** Every line the server logs, at every level. */
class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  constructor() {
    super('test', { logLevels: ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] });
  }
  protected override printMessages(messages: unknown[], context?: string): void {
    this.lines.push(`${context ?? ''} ${messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`);
  }
}

describe('registration with join codes (REGISTRATION)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const register = (s: TestServer, body: Record<string, string>) => http(s, 'POST', '/api/traders', { body });

  it("takes the code of the team, and refuses no code, a wrong one, another team's, and a team without one", async () => {
    const logger = new CapturingLogger();
    server = await startTestServer({ env: { REGISTRATION: 'codes' }, logger });
    const s = server;
    expect((await http(s, 'POST', '/api/teams', { body: { teams: ['ALOUATE'] } })).status).toBe(401);
    const created = await http(s, 'POST', '/api/teams', { token: ADMIN_TOKEN, body: { teams: ['ALOUATE', 'BONOBO', 'ALOUATE'] } });
    expect(created.status).toBe(200);
    expect(created.body.registration).toBe('codes');
    const codes = Object.fromEntries(created.body.teams.map((t: { team: string; code: string }) => [t.team, t.code]));
    expect(Object.keys(codes)).toEqual(['ALOUATE', 'BONOBO']);
    for (const code of Object.values(codes)) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(codes.ALOUATE).not.toBe(codes.BONOBO);

    const missing = await register(s, { team: 'ALOUATE', name: 'a' });
    expect(missing.status).toBe(403);
    expect(missing.body.problems).toEqual([{ field: 'code', expected: 'the join code of team "ALOUATE" (from the coach)' }]);
    const wrong = await register(s, { team: 'ALOUATE', name: 'a', code: 'AAAAAAAA' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('code: the join code of team "ALOUATE" (from the coach); this one is not it');
    expect((await register(s, { team: 'ALOUATE', name: 'a', code: codes.BONOBO })).status).toBe(403);
    const noTeam = await register(s, { team: 'CAPUCIN', name: 'a', code: codes.ALOUATE });
    expect(noTeam.status).toBe(403);
    expect(noTeam.body.message).toMatch(/team "CAPUCIN" has no join code/);
    // As typed from the printed sheet: any case, with a dash.
    const typed = `${codes.ALOUATE.slice(0, 4).toLowerCase()}-${codes.ALOUATE.slice(4)}`;
    const joined = await register(s, { team: 'ALOUATE', name: 'a', code: typed });
    expect(joined.status).toBe(201);
    // The name is owned now: a second registration is refused whatever the code.
    expect((await register(s, { team: 'ALOUATE', name: 'a', code: codes.ALOUATE })).status).toBe(409);

    const listed = await http(s, 'GET', '/api/teams', { token: ADMIN_TOKEN });
    expect(listed.body.teams).toEqual([
      { team: 'ALOUATE', code: codes.ALOUATE, traders: 1 },
      { team: 'BONOBO', code: codes.BONOBO, traders: 0 },
    ]);

    // No code and no token on any topic, nor in any log line.
    const secrets = [...Object.values(codes), joined.body.token as string];
    const everything = (await Promise.all(ALL_TOPICS.map((t) => s.bus.readTopic(t.name)))).flat();
    expect(everything.length).toBeGreaterThan(0);
    const written = everything.map((m) => `${m.key?.toString() ?? ''} ${m.value?.toString() ?? ''}`).join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(written).not.toContain(secret);
      expect(logger.lines.join('\n')).not.toContain(secret);
    }
  });

  it('keeps the teams and their codes across a restart (the same key)', async () => {
    const bus = new EmbeddedBus();
    const kept = Object.create(bus, { close: { value: async () => undefined } }) as EmbeddedBus;
    server = await startTestServer({ bus: kept, env: { REGISTRATION: 'codes' } });
    const code = (await http(server, 'POST', '/api/teams', { token: ADMIN_TOKEN, body: { teams: ['DRILL'] } })).body.teams[0].code;
    await server.close();
    server = await startTestServer({ bus: kept, env: { REGISTRATION: 'codes' } });
    expect((await http(server, 'GET', '/api/teams', { token: ADMIN_TOKEN })).body.teams).toEqual([{ team: 'DRILL', code, traders: 0 }]);
    expect((await register(server, { team: 'DRILL', name: 'later', code })).status).toBe(201);
  });

  it('refuses every registration when closed, and ignores codes when open', async () => {
    server = await startTestServer({ env: { REGISTRATION: 'closed' } });
    const closed = await register(server, { team: 'ALOUATE', name: 'late' });
    expect(closed.status).toBe(403);
    expect(closed.body.message).toBe('registration is closed (REGISTRATION=closed): ask the coach');
    await server.close();
    server = await startTestServer();
    expect((await register(server, { team: 'ALOUATE', name: 'free', code: 'whatever' })).status).toBe(201);
  });
});
