/**
 * The server outlives its broker: with the broker SIGKILLed mid-game the
 * server stays up, says so on /api/health (503, status "degraded" and the
 * reason), refuses actions at once with 503 BROKER_UNAVAILABLE, and when the
 * broker comes back on the same log directory it recovers by itself — within
 * 30 s — with every order it acknowledged before the kill still in the
 * trader's state.
 *
 * A restarted broker listens on new ports (tools/kafka picks free ones), as a
 * broker behind a load balancer or a moved container would: the server talks
 * to it through a TCP relay that stays on one port, and finds the new
 * advertised listener from the metadata, as any Kafka client does.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../../../../tools/kafka/broker.mjs';
import { KafkaBus } from '../../src/bus/kafka-bus.js';
import { eventually } from '../support/buses.js';
import { canRunOwnBrokers, Relay } from '../support/own-broker.js';
import { TestSocket } from '../support/ws-client.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** A flat price: a share costs the same before and after the outage. */
const FLAT_RULES = { priceSigma: 0, priceMu: 0, fundamentalSigma: 0 };

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

describe('the broker SIGKILLed and restarted mid-game (real Kafka)', () => {
  let available = false;
  let logDir: string | undefined;
  let broker: StartedBroker | undefined;
  const relay = new Relay();
  let server: ChildProcess | undefined;
  let url = '';
  const output: string[] = [];

  async function call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
    const started = Date.now();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), ms: Date.now() - started };
  }

  function startServer(bootstrap: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [mainJs], {
      env: {
        ...process.env,
        KAFKA_BROKERS: bootstrap,
        PORT: '0',
        HOST: '127.0.0.1',
        HOUSE_BOTS: '0',
        TICK_MS: '100',
        GAME_SEED: 'broker-outage',
        ADMIN_TOKEN: 'outage-admin',
        DATA_DIR: '', // nothing in the repository's ./.banana-data: the state key comes from ADMIN_TOKEN
        GAME_RULES: JSON.stringify(FLAT_RULES),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output.join('')}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        output.push(d.toString());
        const port = /Banana Market is open: http:\/\/localhost:(\d+)/.exec(d.toString())?.[1];
        if (port !== undefined) {
          clearTimeout(timer);
          url = `http://127.0.0.1:${port}`;
          resolve(child);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code ?? signal}:\n${output.join('')}`));
      });
    });
  }

  beforeAll(async () => {
    available = await canRunOwnBrokers('broker-outage');
    if (!available) return;
    await promisify(execFile)('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot }).catch((err: { stdout?: string }) => {
      // Type errors elsewhere still emit; a missing main.js fails below with its own message.
      console.warn(`tsc -b apps/game-server reported errors:\n${err.stdout ?? String(err)}`);
    });
    logDir = mkdtempSync(join(tmpdir(), 'banana-outage-'));
    broker = await startBroker({ logDir });
    relay.target = broker.bootstrap;
  }, 180_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await broker?.stop();
    await relay.close();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  // Was: "a producer fenced by another live server is fatal". Since #16 a server's own writes go through an
  // idempotent, non-transactional producer (several servers share one game), so there is nothing to fence:
  // both servers keep publishing and stay healthy. A task fenced by another server only loses that task
  // (test/bus/task-groups.test.ts).
  it('lets two live servers publish side by side: neither fences the other', async (ctx) => {
    if (!available) ctx.skip('no Kafka broker on this machine (see the message above)');
    const fatal: Error[] = [];
    const first = await KafkaBus.connect({ brokers: [broker!.bootstrap], heartbeatMs: 0, onFatalError: (err) => fatal.push(err) });
    const second = await KafkaBus.connect({ brokers: [broker!.bootstrap], heartbeatMs: 0, onFatalError: (err) => fatal.push(err) });
    try {
      const topic = `side-by-side-${Date.now().toString(36)}`;
      await first.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
      await first.publish(topic, [{ key: 'k', value: 'first' }]);
      await second.publish(topic, [{ key: 'k', value: 'second' }]);
      await first.publish(topic, [{ key: 'k', value: 'first again' }]);
      expect(fatal).toEqual([]);
      expect(first.health()).toEqual({ status: 'ok' });
      expect(second.health()).toEqual({ status: 'ok' });
      await eventually(async () =>
        expect((await second.readTopic(topic)).map((m) => m.value?.toString())).toEqual(['first', 'second', 'first again']),
      );
    } finally {
      await first.close();
      await second.close();
    }
  }, 60_000);

  it('stays up, degrades with a reason, refuses actions with 503, and recovers by itself when the broker returns', async (ctx) => {
    if (!available) ctx.skip('no Kafka broker on this machine (see the message above)');
    server = await startServer(await relay.listen());
    const exited = new Promise<string>((resolve) => server!.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    let exitedWith: string | undefined;
    void exited.then((how) => (exitedWith = how));

    const trader = { team: 'BONOBO', name: `outage-${Date.now().toString(36)}` };
    const registered = await call('POST', '/api/traders', trader);
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const token = registered.body.token as string;

    // Acknowledged orders: their answers are committed on txn-results.
    let acknowledged: Record<string, number> | undefined;
    for (const [path, body] of [
      ['/api/actions/market', { type: 'BUY', shares: 2 }],
      ['/api/actions/feed', { monkeys: 1 }],
      ['/api/actions/market', { type: 'SELL', shares: 1 }],
    ] as const) {
      const answer = await call('POST', path, body, token);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.status).toBe('ACCEPTED');
      acknowledged = answer.body.state as Record<string, number>;
    }
    expect((await call('GET', '/api/health')).body).toMatchObject({ status: 'ok', bus: 'kafka' });
    // A player's socket (and what the scoreboard reads: the health frames).
    const socket = await TestSocket.open(`${url.replace('http', 'ws')}/ws`);
    await socket.authenticate(token);

    // A real SIGKILL: no clean shutdown, no goodbye to the clients.
    const killedAt = Date.now();
    process.kill(broker!.pid, 'SIGKILL');

    const degraded = await eventually(
      async () => {
        const health = await call('GET', '/api/health');
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: 'degraded', bus: 'kafka' });
        expect(health.body.reason).toMatch(/Kafka broker unreachable at .+ since \d\d:\d\d:\d\d: ./);
        return health;
      },
      10_000,
      200,
    );
    const toDegradedMs = Date.now() - killedAt;
    console.log(`degraded ${toDegradedMs} ms after the broker was killed: ${String(degraded.body.reason)}`);

    // Refused at once, by name: not queued, not a 10 s timeout.
    const refused = await call('POST', '/api/actions/market', { type: 'BUY', shares: 1 }, token);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'BROKER_UNAVAILABLE' });
    expect(refused.body.message).toMatch(/broker/i);
    expect(refused.ms).toBeLessThan(2_000);
    const newcomer = await call('POST', '/api/traders', { team: 'BONOBO', name: `late-${Date.now().toString(36)}` });
    expect(newcomer.status, JSON.stringify(newcomer.body)).toBe(503);
    expect(newcomer.body.code).toBe('BROKER_UNAVAILABLE');
    expect(exitedWith, output.join('')).toBeUndefined();
    const healthFrame = await socket.next((f) => f.event === 'health' && f.data.status === 'degraded');
    expect(healthFrame.data.reason).toBe(degraded.body.reason);
    socket.send('market', { txnId: 'ws-during-outage', type: 'BUY', shares: 1 });
    const rejected = await socket.next((f) => f.event === 'txn-result' && f.data.txnId === 'ws-during-outage', 2_000);
    expect(rejected.data).toMatchObject({ status: 'REJECTED', type: 'MARKET', state: acknowledged });
    expect(rejected.data.reason).toMatch(/^BROKER_UNAVAILABLE: /);

    // The same log directory (its topics, offsets and transactions), new ports behind the relay.
    broker = await startBroker({ logDir });
    relay.target = broker.bootstrap;
    const returnedAt = Date.now();
    await eventually(async () => expect((await call('GET', '/api/health')).body).toMatchObject({ status: 'ok', bus: 'kafka' }), 30_000, 250);
    console.log(`recovered ${Date.now() - returnedAt} ms after the broker was back (outage: ${Date.now() - killedAt} ms)`);
    expect(exitedWith, output.join('')).toBeUndefined();
    await socket.next((f) => f.event === 'health' && f.data.status === 'ok');
    socket.close();

    // Trading works, on the state the acknowledged orders left.
    const after = await call('POST', '/api/actions/market', { type: 'SELL', shares: 1 }, token);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.status).toBe('ACCEPTED');
    const state = after.body.state as Record<string, number>;
    expect(state.shares).toBe(acknowledged!.shares - 1);
    expect(state.fedMonkeys).toBe(acknowledged!.fedMonkeys);
    expect(state.bailouts).toBe(acknowledged!.bailouts);
    expect(state.coins).toBeGreaterThan(acknowledged!.coins);
    // OUTAGE_DEBUG=<file>: the server's log of a passing run, to read the timings of its recovery.
    if (process.env.OUTAGE_DEBUG) writeFileSync(process.env.OUTAGE_DEBUG, output.join(''));
  }, 240_000);
});
