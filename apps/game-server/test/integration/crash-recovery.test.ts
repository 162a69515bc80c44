/**
 * The acceptance crash test of issue 15, on each bus: the real server
 * (dist/main.js) with three house bots (trading, investing, feeding) and test
 * traders sending orders over HTTP, a few in flight at a time, is SIGKILLed at
 * random moments (seeded: CRASH_SEED replays a run) and started again on the
 * same DATA_DIR, six times. Before one kill the coach pauses the game; on
 * Kafka the broker is also SIGKILLed once mid-game and started again on its
 * log directory, and the server must recover by itself within 30 s.
 *
 * After every restart, on what the bus holds (crash/invariants.ts):
 *   - exactly once: each (trader, txnId, type) has one answer (replays are identical copies);
 *   - every acknowledged order (HTTP 200) is on txn-results, with the answer the client got;
 *   - each trader's chain of results, from the start endowment, explains every state;
 *     its trader-states entry is its last logged state;
 *   - conservation of coins and shares over the whole economy (checkConservation);
 *   - the price series: no jump back to the initial price, game time only forward;
 *   - the restart resumes at the tick it had reached, a paused game stays paused.
 * At the end (traffic stopped, plantations given time to pay, the game paused):
 * every plantation paid exactly once; the leaderboard agrees with trader-states.
 *
 * An order whose request died with the server is unacknowledged; some of them
 * are sent again with the same txnId after the restart, as a client retries.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeRules } from '@banana-market/engine';
import { encode, type MarketView, type TraderKey, type TxnResult } from '@banana-market/protocol';
import { startBroker, type StartedBroker } from '../../../../tools/kafka/broker.mjs';
import { eventually } from '../support/buses.js';
import { readSnapshot, type BusSnapshot, type SnapshotSource } from './crash/bus-snapshot.js';
import {
  answerKey,
  checkChains,
  checkConservation,
  checkPriceSeries,
  checkStatesMatchLog,
  distinctAnswers,
  orderKey,
  type ChainReport,
  type LoggedResult,
  type SentOrder,
} from './crash/invariants.js';
import { ServerProcess } from './crash/server-process.js';
import { canRunOwnBrokers, Relay } from '../support/own-broker.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const SEED = process.env.CRASH_SEED ?? String(Date.now());
const KILLS = 6;
/** The coach pauses the game before this kill (0-based); the restarted game must still be paused. */
const PAUSE_BEFORE_KILL = 1;
/** Kafka: the broker is SIGKILLed and restarted after this server restart (0-based). */
const BROKER_KILL_AFTER_RESTART = 3;
const TICK_MS = 150;
/** Short plantations, so that all of them pay within the test. */
const RULE_OVERRIDES = { investDelayMs: 2_000 };
const RULES = makeRules({ ...RULE_OVERRIDES, tickMs: TICK_MS });
const ADMIN_TOKEN = 'crash-recovery-admin';
const TEST_TRADERS = 4;
const WORKERS = 3;
/** Orders sent at once just before each kill, so that some are in flight when the server dies. */
const BURST = 8;
/** No tick moves the price by more than this factor (a burst step is at most ×0.7 or ×1.2). */
const MAX_PRICE_FACTOR = 1.5;
/** The in-memory tick read just before a kill may be a few ticks ahead of the last committed one. */
const TICK_SLACK = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TestTrader {
  readonly key: TraderKey;
  /** Its key on the bus (JSON), as txn-results and trader-states carry it. */
  readonly id: string;
  readonly token: string;
  /** The last state an answer showed: the next order is chosen from it. */
  state: { coins: number; shares: number };
}

interface PendingOrder {
  readonly trader: TestTrader;
  readonly txnId: string;
  readonly order: SentOrder;
}

interface Acknowledged {
  readonly trader: string;
  readonly txnId: string;
  readonly answer: TxnResult;
  readonly retry: boolean;
}

function txnTypeOf(order: SentOrder): 'MARKET' | 'INVEST' | 'FEED' {
  return order.kind === 'market' ? 'MARKET' : order.kind === 'invest' ? 'INVEST' : 'FEED';
}

function request(order: SentOrder, txnId: string): { path: string; body: Record<string, unknown> } {
  switch (order.kind) {
    case 'market':
      return { path: '/api/actions/market', body: { txnId, type: order.type, shares: order.shares } };
    case 'invest':
      return { path: '/api/actions/invest', body: { txnId, invested: order.invested } };
    case 'feed':
      return { path: '/api/actions/feed', body: { txnId, monkeys: order.monkeys } };
  }
}

/** Mostly orders the trader can afford (so most are accepted), some it cannot. */
function chooseOrder(random: () => number, state: { coins: number; shares: number }): SentOrder {
  const n = 1 + Math.floor(random() * 3);
  const roll = random();
  if (roll < 0.25 && state.shares > 0) return { kind: 'feed', monkeys: Math.min(n, state.shares) };
  if (roll < 0.55) return { kind: 'market', type: 'BUY', shares: n };
  if (roll < 0.8 && state.shares > 0) return { kind: 'market', type: 'SELL', shares: Math.min(n, state.shares) };
  if (state.coins > 1) return { kind: 'invest', invested: Math.max(0.01, Math.round(state.coins * (0.1 + random() * 0.3) * 100) / 100) };
  return { kind: 'market', type: 'BUY', shares: 1 };
}

describe.each(['embedded', 'kafka'] as const)('the server SIGKILLed at random moments (%s bus)', (bus) => {
  let available = bus === 'embedded';
  let dataDir = '';
  let logDir: string | undefined;
  const brokers: StartedBroker[] = [];
  const relay = new Relay();
  let bootstrap = '';
  let server: ServerProcess;

  beforeAll(async () => {
    if (bus === 'kafka') available = await canRunOwnBrokers('crash-recovery');
    if (!available) return;
    await promisify(execFile)('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot }).catch((err: { stdout?: string }) => {
      // Type errors elsewhere still emit; a missing main.js fails below with its own message.
      console.warn(`tsc -b apps/game-server reported errors:\n${err.stdout ?? String(err)}`);
    });
    dataDir = mkdtempSync(join(tmpdir(), `banana-crash-${bus}-`));
    if (bus === 'kafka') {
      logDir = mkdtempSync(join(tmpdir(), 'banana-crash-broker-'));
      brokers.push(await startBroker({ logDir }));
      relay.target = brokers[0].bootstrap;
      bootstrap = await relay.listen();
    }
    server = new ServerProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      KAFKA_BROKERS: bootstrap,
      GAME_SEED: `crash-${bus}-${SEED}`,
      ADMIN_TOKEN,
      TICK_MS: String(TICK_MS),
      HOUSE_BOTS: '3',
      GAME_RULES: JSON.stringify(RULE_OVERRIDES),
    });
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    for (const broker of brokers) await broker.stop().catch(() => undefined);
    if (bus === 'kafka') await relay.close().catch(() => undefined);
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it('loses no acknowledged order, applies none twice, conserves coins and shares, pays every plantation, keeps the price and the pause', async (ctx) => {
    if (!available) ctx.skip('no Kafka broker on this machine (see the message above)');
    // The evidence of a failure: what the server printed, every run of it (CRASH_DEBUG=<file prefix> keeps it always).
    ctx.onTestFailed(() => console.error(`crash-recovery (${bus}) CRASH_SEED=${SEED}: the server's output\n${server.tail(40_000)}`));
    ctx.onTestFinished(() => {
      if (process.env.CRASH_DEBUG) writeFileSync(`${process.env.CRASH_DEBUG}-${bus}.log`, server.output.join(''));
    });
    console.log(`crash-recovery (${bus}): CRASH_SEED=${SEED}`);
    const random = seedrandom(`${SEED}/${bus}`);
    const run = `${bus.slice(0, 1)}${Date.now().toString(36)}`;
    const source: SnapshotSource = bus === 'embedded' ? { kind: 'embedded', dataDir } : { kind: 'kafka', bootstrap: () => bootstrap };
    const started = Date.now();

    async function call(method: string, path: string, body?: unknown, token?: string, timeoutMs = 15_000) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
    }
    const market = async () => (await call('GET', '/api/market')).body as unknown as MarketView;

    await server.start();

    // ---- the test traders and their orders ----------------------------------------
    const traders: TestTrader[] = [];
    for (let i = 0; i < TEST_TRADERS; i++) {
      const key = { team: i % 2 === 0 ? 'ALOUATE' : 'BONOBO', name: `crash-${run}-${i}` };
      const registered = await call('POST', '/api/traders', key);
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      traders.push({
        key,
        id: encode.traderKey(key),
        token: registered.body.token as string,
        state: { coins: RULES.startCoins, shares: RULES.startShares },
      });
    }
    const sent = new Map<string, SentOrder>();
    const acknowledged: Acknowledged[] = [];
    const rejected: Array<{ txnId: string; reason: string }> = [];
    /** Requests that got no answer (the server died, the broker was away): candidates for a retry. */
    let unanswered: PendingOrder[] = [];
    const unexpected: string[] = [];
    let retries = 0;

    /** Sends an order; true when it was answered (HTTP 200). */
    async function send(pending: PendingOrder, retry: boolean): Promise<boolean> {
      const { path, body } = request(pending.order, pending.txnId);
      if (server.url === '') {
        unanswered.push(pending);
        return false;
      }
      try {
        const answer = await call('POST', path, body, pending.trader.token);
        if (answer.status === 200) {
          const result = answer.body as unknown as TxnResult;
          if (result.txnId !== pending.txnId || result.type !== txnTypeOf(pending.order)) {
            unexpected.push(`${pending.txnId}: answered ${JSON.stringify(result)} to ${JSON.stringify(pending.order)}`);
          }
          if (result.status === 'REJECTED') rejected.push({ txnId: pending.txnId, reason: String(result.reason) });
          else acknowledged.push({ trader: pending.trader.id, txnId: pending.txnId, answer: result, retry });
          pending.trader.state = { coins: result.state.coins, shares: result.state.shares };
          return true;
        }
        // 503 BROKER_UNAVAILABLE, 504 timeout, …: no answer, the order may or may not have been applied.
        if (answer.status !== 503 && answer.status !== 504) unexpected.push(`${pending.txnId}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        unanswered.push(pending);
      } catch {
        unanswered.push(pending); // the connection died with the server
      }
      return false;
    }

    let stopped = false;
    let sequence = 0;
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      const own = seedrandom(`${SEED}/${bus}/worker-${w}`);
      while (!stopped) {
        if (server.url === '') {
          await sleep(50);
          continue;
        }
        const trader = traders[Math.floor(own() * traders.length)];
        const order = chooseOrder(own, trader.state);
        const txnId = `${run}-${w}-${++sequence}`;
        sent.set(orderKey(trader.id, txnId), order);
        const answered = await send({ trader, txnId, order }, false);
        // A client backs off when it got no answer (the server is down, or the broker away).
        await sleep(answered ? 40 + own() * 120 : 250);
      }
    });

    // ---- the invariants, on what the bus holds -------------------------------------
    const checks: string[] = [];
    async function checkInvariants(
      label: string,
    ): Promise<{ snapshot: BusSnapshot; chains: ChainReport; distinct: LoggedResult[]; copies: Map<string, number> }> {
      const t0 = Date.now();
      const checked = await eventually(
        async () => {
          const acks = [...acknowledged];
          const snapshot = await readSnapshot(source);
          const prices = snapshot.prices.map((p) => p.coins);
          const priceRange = { min: Math.min(...prices, RULES.initialPrice), max: Math.max(...prices, RULES.initialPrice) };
          const { distinct, copies, violations: answeredTwice } = distinctAnswers(snapshot.results);
          const chains = checkChains(distinct, RULES, sent, priceRange, snapshot.states.keys());
          const logged = new Map(distinct.map((d) => [answerKey(d.trader, d.result.txnId, d.result.type), d.result]));
          const lostOrChanged = acks.flatMap(({ trader, txnId, answer }) => {
            const onBus = logged.get(answerKey(trader, txnId, answer.type));
            if (onBus === undefined) return [`${trader} txnId ${txnId}: acknowledged ${JSON.stringify(answer)} but not on txn-results`];
            return JSON.stringify(canonical(onBus)) === JSON.stringify(canonical(answer))
              ? []
              : [`${trader} txnId ${txnId}: acknowledged ${JSON.stringify(answer)}, txn-results says ${JSON.stringify(onBus)}`];
          });
          const violations = {
            exactlyOnce: answeredTwice,
            acknowledged: lostOrChanged,
            chains: chains.violations,
            statesMatchLog: checkStatesMatchLog(snapshot.states, chains.lastState),
            conservation: checkConservation(snapshot.states, chains.totals, RULES),
            prices: checkPriceSeries(snapshot.prices, RULES.initialPrice, MAX_PRICE_FACTOR),
          };
          expect(violations, `${label}: invariant violations`).toEqual({
            exactlyOnce: [],
            acknowledged: [],
            chains: [],
            statesMatchLog: [],
            conservation: [],
            prices: [],
          });
          return { snapshot, chains, distinct, copies };
        },
        45_000,
        500,
      );
      const t = checked.chains.totals;
      const line =
        `${label}: ok in ${Date.now() - t0} ms — ${checked.snapshot.results.length} results (${checked.distinct.length} distinct), ` +
        `${checked.snapshot.states.size} traders, ${checked.snapshot.prices.length} prices, ${acknowledged.length} acknowledged, ` +
        `${t.investments} INVEST / ${t.returns} RETURN, ${t.bailouts} bailouts, bought ${t.bought} sold ${t.sold} fed ${t.fed}`;
      checks.push(line);
      console.log(line);
      return checked;
    }

    // ---- kills -----------------------------------------------------------------------
    const recoveries: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(1_500 + random() * 2_500);
      const pausing = kill === PAUSE_BEFORE_KILL;
      if (pausing) {
        const paused = await call('POST', '/api/game/pause', undefined, ADMIN_TOKEN);
        expect(paused, 'the coach pauses the game').toMatchObject({ status: 200, body: { status: 'paused' } });
        await sleep(300 + random() * 700);
      }
      const before = await market().catch(() => undefined);
      unanswered = [];
      // A burst of orders in flight when the process dies: some are answered, some die with it.
      const burst = Array.from({ length: BURST }, (_, i) => {
        const trader = traders[Math.floor(random() * traders.length)];
        const order = chooseOrder(random, trader.state);
        const txnId = `${run}-kill${kill}-${i}`;
        sent.set(orderKey(trader.id, txnId), order);
        return send({ trader, txnId, order }, false);
      });
      await sleep(random() * 20);
      const killedAt = Date.now();
      await server.kill();
      await Promise.all(burst);
      // The embedded bus's file, with no server writing it, is exactly what the restart will restore.
      if (bus === 'embedded') await checkInvariants(`while down after kill ${kill + 1}`);
      await sleep(random() * 500);
      await server.start();
      const restartMs = Date.now() - killedAt;

      // The game's own start-up lines follow the coach's banner (where to join, the commitment, the admin token).
      const resumed = await vi
        .waitFor(
          () => {
            const found = /resuming game \S+ at tick (\d+) \((\d+) traders\), (\w+)/.exec(server.currentRunOutput());
            if (found === null) throw new Error('not resumed yet');
            return found;
          },
          { timeout: 10_000, interval: 50 },
        )
        .catch(() => null);
      expect(resumed, `restart ${kill + 1}: "resuming game … at tick N" on the console\n${server.tail()}`).not.toBeNull();
      const resumedTick = Number(resumed![1]);
      if (before !== undefined) {
        expect(resumedTick, `restart ${kill + 1}: resumed at tick ${resumedTick}, the game was at tick ${before.tick}`).toBeGreaterThanOrEqual(
          before.tick - TICK_SLACK,
        );
      }
      const after = await market();
      expect(after.tick).toBeGreaterThanOrEqual(resumedTick);
      if (before !== undefined)
        expect(Math.abs(Math.log(after.price / before.price)), `price ${before.price} → ${after.price} across the restart`).toBeLessThan(
          Math.log(MAX_PRICE_FACTOR),
        );
      recoveries.push(
        `kill ${kill + 1}: tick ${before?.tick ?? '?'} → resumed at ${resumedTick} (${resumed![2]} traders, ${resumed![3]}), back in ${restartMs} ms`,
      );
      console.log(recoveries.at(-1));

      if (pausing) {
        expect(resumed![3], 'the paused game comes back paused (console)').toBe('paused');
        expect(after.status, 'the paused game comes back paused (GET /api/market)').toBe('paused');
        // Frozen: nothing moves while paused.
        await checkInvariants(`after restart ${kill + 1} (paused)`);
        const again = await market();
        expect(again.tick, 'no tick while paused').toBe(after.tick);
        expect(await call('POST', '/api/game/resume', undefined, ADMIN_TOKEN)).toMatchObject({ status: 200, body: { status: 'running' } });
      } else {
        expect(after.status).toBe('running');
      }

      // A client's retries: the same txnId, the same order.
      const toRetry = unanswered.filter(() => random() < 0.7).slice(0, 5);
      unanswered = [];
      for (const pending of toRetry) {
        retries += 1;
        await send(pending, true);
      }
      if (!pausing) await checkInvariants(`after restart ${kill + 1}`);

      if (bus === 'kafka' && kill === BROKER_KILL_AFTER_RESTART) {
        const broker = brokers.at(-1)!;
        process.kill(broker.pid, 'SIGKILL');
        const brokerKilledAt = Date.now();
        await sleep(2_000 + random() * 2_000);
        brokers.push(await startBroker({ logDir }));
        relay.target = brokers.at(-1)!.bootstrap;
        const returnedAt = Date.now();
        await eventually(
          async () => {
            expect(server.running, `the server exited during the broker outage:\n${server.tail()}`).toBe(true);
            expect((await call('GET', '/api/health')).body).toMatchObject({ status: 'ok', bus: 'kafka' });
          },
          30_000,
          250,
        );
        const recoveredMs = Date.now() - returnedAt;
        recoveries.push(`broker SIGKILLed: down ${returnedAt - brokerKilledAt} ms, the server recovered ${recoveredMs} ms after its return`);
        console.log(recoveries.at(-1));
        expect(recoveredMs).toBeLessThan(30_000);
        const toRetryAfterOutage = unanswered.filter(() => random() < 0.5).slice(0, 4);
        unanswered = [];
        for (const pending of toRetryAfterOutage) {
          retries += 1;
          await send(pending, true);
        }
        await checkInvariants('after the broker came back');
      }
    }

    // ---- the end: every plantation pays ------------------------------------------------
    stopped = true;
    await Promise.all(workers);
    await sleep(RULES.investDelayMs + 1_500);
    expect(await call('POST', '/api/game/pause', undefined, ADMIN_TOKEN)).toMatchObject({ status: 200, body: { status: 'paused' } });
    const end = await market();
    const final = await checkInvariants('at the end (paused)');

    const ours = new Set(traders.map((t) => t.id));
    const endTime = Date.parse(end.time);
    const unpaid = [...final.chains.plantations.values()].filter(
      (p) => p.returnedAt === undefined && (ours.has(p.trader) || p.at + RULES.investDelayMs + 2_000 < endTime),
    );
    expect(unpaid, `plantations never paid (game time now ${end.time})`).toEqual([]);
    const stillGrowing = traders.filter((t) => (final.chains.lastState.get(t.id)?.inFlightInvestments ?? 0) !== 0).map((t) => t.id);
    expect(stillGrowing, 'test traders with plantations still in flight').toEqual([]);

    // The API agrees with the bus.
    const board = (await call('GET', '/api/leaderboard')).body as { traders: Array<TraderKey & Record<string, number>> };
    const fromApi = board.traders.map((t) => ({
      id: encode.traderKey({ team: t.team, name: t.name }),
      coins: t.coins,
      shares: t.shares,
      bailouts: t.bailouts,
      fed: t.fedMonkeys,
    }));
    const fromBus = [...final.snapshot.states].map(([id, s]) => ({ id, coins: s.coins, shares: s.shares, bailouts: s.bailouts, fed: s.fedMonkeys }));
    const byId = (rows: Array<{ id: string }>) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(fromApi)).toEqual(byId(fromBus));

    // Each acknowledged order was answered once, and every retry of it with the same answer (checked above on the bus).
    expect(unexpected, 'unexpected HTTP answers').toEqual([]);
    const acceptedAcks = acknowledged.filter((a) => a.answer.status === 'ACCEPTED').length;
    expect(acceptedAcks, 'orders were accepted').toBeGreaterThan(50);
    const houseInvests = final.distinct.filter((d) => d.trader.includes('"HOUSE"') && d.result.type === 'INVEST' && d.result.status === 'ACCEPTED');
    expect(houseInvests.length, 'the house bots invested').toBeGreaterThan(0);

    const retried = acknowledged.filter((a) => a.retry);
    const replayed = retried.filter((a) => (final.copies.get(answerKey(a.trader, a.txnId, a.answer.type)) ?? 0) > 1).length;
    console.log(
      [
        `crash-recovery (${bus}) CRASH_SEED=${SEED}: ${KILLS} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        ...recoveries,
        `${sent.size} orders sent, ${acknowledged.length} acknowledged (${acceptedAcks} accepted), ${rejected.length} rejected (${[...new Set(rejected.map((r) => r.reason.slice(0, 40)))].join('; ')}), ${retries} retried with the same txnId (${retried.length} answered: ${replayed} from the txnId memory, the order having been applied before the kill; ${retried.length - replayed} applied for the first time)`,
        ...checks,
      ].join('\n'),
    );
  }, 300_000);
});

/** An answer's content, in one field order. */
function canonical(result: TxnResult): unknown {
  const { txnId, type, status, reason, state } = result;
  const { time, coins, shares, bailouts, fedMonkeys, inFlightInvestments } = state;
  return { txnId, type, status, reason, state: { time, coins, shares, bailouts, fedMonkeys, inFlightInvestments } };
}
