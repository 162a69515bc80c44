/**
 * txn-results keeps to the three 2018 statuses; whatever the server refuses
 * is answered on txn-rejections, under the order's own key bytes. HTTP still
 * answers a refusal with the REJECTED result body. GAME_TEAMS and HOUSE_TEAM
 * are checked at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTxnRejection, TOPICS } from '@banana-market/protocol';
import { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { ConfigError, loadServerConfig } from '../src/config/server-config.js';
import { ADMIN_TOKEN, http, startTestServer, type TestServer } from './support/test-server.js';

describe('rejections', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function settle(s: TestServer): Promise<void> {
    const bus = s.bus as EmbeddedBus;
    await bus.whenIdle();
    await s.game.flushed();
    await bus.whenIdle();
  }

  async function values(s: TestServer, topic: string, key: string): Promise<Record<string, unknown>[]> {
    return (await s.bus.readTopic(topic)).filter((m) => m.key?.toString() === key).map((m) => JSON.parse(m.value!.toString()));
  }

  it('answers a paused game on txn-rejections, and over HTTP with the REJECTED result as before', async () => {
    server = await startTestServer();
    const { token } = (await http(server, 'POST', '/api/traders', { body: { team: 'BONOBO', name: 'paused' } })).body;
    await http(server, 'POST', '/api/game/pause', { token: ADMIN_TOKEN });
    const refused = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1, txnId: 'p1' } });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ txnId: 'p1', type: 'FEED', status: 'REJECTED', reason: 'the game is paused', state: { shares: 5 } });
    await settle(server);
    const key = '{"team":"BONOBO","name":"paused"}';
    expect(await values(server, TOPICS.txnResults.name, key)).toEqual([]);
    const [rejection] = await values(server, TOPICS.txnRejections.name, key);
    expect(Object.keys(rejection)).toEqual(['txnId', 'type', 'status', 'reason', 'state']);
    expect(decodeTxnRejection(JSON.stringify(rejection)).ok).toBe(true);
  });

  it('keeps the order key bytes on every answer; a pretty and a compact key are one trader', async () => {
    server = await startTestServer();
    const bus = server.bus as EmbeddedBus;
    const pretty = '{\n  "team" : "CAPUCIN",\n  "name" : "pretty"\n}';
    const compact = '{"team":"CAPUCIN","name":"pretty"}';
    await bus.publish(TOPICS.feedMonkeys.name, [
      { key: pretty, value: '{"txnId":"f1","monkeys":2}' },
      { key: pretty, value: '{"txnId":"f2","monkeys":0}' },
    ]);
    await settle(server);
    expect((await values(server, TOPICS.txnResults.name, pretty)).map((v) => v.txnId)).toEqual(['f1']);
    expect(await values(server, TOPICS.traderStates.name, pretty)).toEqual([expect.objectContaining({ fedMonkeys: 2 })]);
    expect(await values(server, TOPICS.txnRejections.name, pretty)).toEqual([
      expect.objectContaining({ txnId: 'f2', field: 'monkeys', state: expect.objectContaining({ fedMonkeys: 2 }) }),
    ]);
    await bus.publish(TOPICS.feedMonkeys.name, [{ key: compact, value: '{"txnId":"f3","monkeys":1}' }]);
    await settle(server);
    expect(await values(server, TOPICS.txnResults.name, compact)).toEqual([
      expect.objectContaining({ txnId: 'f3', state: expect.objectContaining({ fedMonkeys: 3 }) }),
    ]);
    expect(server.game.traderState({ team: 'CAPUCIN', name: 'pretty' })).toMatchObject({ fedMonkeys: 3 });
  });

  it('restores a trader from its newest state whichever key spelling it was under', async () => {
    const bus = new EmbeddedBus();
    // One log across the restart: the servers' close() leaves it open.
    const kept = Object.create(bus, { close: { value: async () => undefined } }) as EmbeddedBus;
    server = await startTestServer({ bus: kept });
    const pretty = '{\n  "team" : "DRILL",\n  "name" : "restart"\n}';
    await bus.publish(TOPICS.feedMonkeys.name, [{ key: '{"team":"DRILL","name":"restart"}', value: '{"txnId":"r1","monkeys":1}' }]);
    await settle(server);
    await bus.publish(TOPICS.feedMonkeys.name, [{ key: pretty, value: '{"txnId":"r2","monkeys":1}' }]);
    await settle(server);
    await server.app.close();
    const restarted = await startTestServer({ bus: kept });
    server = restarted;
    expect(restarted.game.traderState({ team: 'DRILL', name: 'restart' })).toMatchObject({ fedMonkeys: 2 });
    await bus.publish(TOPICS.feedMonkeys.name, [{ key: pretty, value: '{"txnId":"r3","monkeys":1}' }]);
    await settle(restarted);
    expect((await values(restarted, TOPICS.txnResults.name, pretty)).map((v) => v.txnId)).toContain('r3');
  });

  it('refuses an order of a team outside GAME_TEAMS, naming the teams', async () => {
    server = await startTestServer({ env: { GAME_TEAMS: 'ALOUATE,BONOBO', HOUSE_TEAM: 'BONOBO' } });
    const bus = server.bus as EmbeddedBus;
    const key = '{"team":"GIBBON","name":"outsider"}';
    await bus.publish(TOPICS.marketOrders.name, [{ key, value: '{"txnId":"o1","type":"BUY","shares":1}' }]);
    await settle(server);
    expect(await values(server, TOPICS.txnResults.name, key)).toEqual([]);
    const [rejection] = await values(server, TOPICS.txnRejections.name, key);
    expect(rejection).toMatchObject({ txnId: 'o1', type: 'MARKET', status: 'REJECTED', field: 'key.team' });
    expect(rejection.reason).toContain('ALOUATE, BONOBO');
    expect(server.game.traderState({ team: 'GIBBON', name: 'outsider' })).toBeUndefined();
    const registration = await http(server, 'POST', '/api/traders', { body: { team: 'GIBBON', name: 'outsider' } });
    expect(registration.status).toBe(400);
    expect(registration.body.message).toContain('ALOUATE, BONOBO');
  });

  it('checks GAME_TEAMS and HOUSE_TEAM at start', () => {
    expect(loadServerConfig({})).toMatchObject({ gameTeams: undefined, houseTeam: 'HOUSE' });
    expect(loadServerConfig({ GAME_TEAMS: ' ALOUATE, SAGOUIN ', HOUSE_TEAM: 'SAGOUIN' })).toMatchObject({
      gameTeams: ['ALOUATE', 'SAGOUIN'],
      houseTeam: 'SAGOUIN',
    });
    expect(() => loadServerConfig({ GAME_TEAMS: 'ALOUATE,BONOBO' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ GAME_TEAMS: 'ALOUATE,BONOBO' })).toThrow(/HOUSE_TEAM: must be one of the GAME_TEAMS \(ALOUATE, BONOBO\)/);
    expect(() => loadServerConfig({ GAME_TEAMS: 'ALOUATE,has space', HOUSE_TEAM: 'ALOUATE' })).toThrow(/GAME_TEAMS/);
    expect(() => loadServerConfig({ HOUSE_TEAM: 'no way' })).toThrow(/HOUSE_TEAM/);
  });
});
