/**
 * Exactly once across a crash: the server is SIGKILLed while a stream of
 * orders flows in from an outside Kafka client, and started again. Every
 * order must be answered exactly once, and the final trader states must equal
 * those of the same orders applied to a fresh engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, createProducer, type Consumer, type Kafka, type Producer } from '@banana-market/kafka';
import seedrandom from 'seedrandom';
import { encode, TOPICS, traderId, type TraderAction, type TraderKey } from '@banana-market/protocol';
import { makeRules, MarketEngine } from '@banana-market/engine';
import { eventually, testBroker, type TestBroker } from '../support/buses.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** A flat market (no walk, no drift): results do not depend on when an order runs. */
/** A flat price: no random walk, and no fundamental for it to revert to. */
const FLAT_RULES = { priceSigma: 0, priceMu: 0, fundamentalSigma: 0 };
const ORDERS = 600;
/** Unique per run, in case KAFKA_BROKERS points at a broker that has seen earlier runs. */
const RUN = Date.now().toString(36);

interface PlannedOrder {
  readonly trader: TraderKey;
  readonly action: TraderAction;
}

function planOrders(): PlannedOrder[] {
  const random = seedrandom('crash-plan');
  const traders: TraderKey[] = Array.from({ length: 6 }, (_, i) => ({ team: i % 2 === 0 ? 'ALOUATE' : 'BONOBO', name: `crash-${RUN}-${i}` }));
  return Array.from({ length: ORDERS }, (_, i): PlannedOrder => {
    const trader = traders[Math.floor(random() * traders.length)];
    const txnId = `crash_${RUN}_${i}`;
    const n = 1 + Math.floor(random() * 3);
    const roll = random();
    const action: TraderAction =
      roll < 0.35
        ? { kind: 'market', order: { txnId, type: 'BUY', shares: n } }
        : roll < 0.6
          ? { kind: 'market', order: { txnId, type: 'SELL', shares: n } }
          : { kind: 'feed', order: { txnId, monkeys: n } };
    return { trader, action };
  });
}

function toRecord({ trader, action }: PlannedOrder): { topic: string; key: string; value: string } {
  const key = encode.traderKey(trader);
  const time = '2018-03-16T10:00:00.000Z';
  switch (action.kind) {
    case 'market':
      return { topic: TOPICS.marketOrders.name, key, value: encode.marketOrder({ ...action.order, time }) };
    case 'invest':
      return { topic: TOPICS.investmentOrders.name, key, value: encode.investmentOrder({ ...action.order, time }) };
    case 'feed':
      return { topic: TOPICS.feedMonkeys.name, key, value: encode.feedMonkeys({ ...action.order, time }) };
  }
}

describe('a server killed in the middle of a stream of orders (real Kafka)', () => {
  let broker: TestBroker | undefined;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer;
  let server: ChildProcess | undefined;
  const output: string[] = [];

  function startServer(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [mainJs], {
      env: {
        ...process.env,
        KAFKA_BROKERS: broker!.bootstrap,
        PORT: '0',
        HOST: '127.0.0.1',
        HOUSE_BOTS: '0',
        TICK_MS: '100',
        GAME_SEED: 'crash',
        ADMIN_TOKEN: 'crash-admin',
        DATA_DIR: '', // the state key comes from ADMIN_TOKEN: the same across restarts
        GAME_RULES: JSON.stringify(FLAT_RULES),
        // Six traders and 600 orders as fast as one producer writes them: far over the room's limit, which is not what this tests.
        ACTION_RATE: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output.join('')}`)), 60_000);
      child.stdout?.on('data', (d: Buffer) => {
        output.push(d.toString());
        if (d.toString().includes('Banana Market is open')) {
          clearTimeout(timer);
          resolve(child);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output.join('')}`)));
    });
  }

  beforeAll(async () => {
    broker = await testBroker();
    if (broker === undefined) return;
    await promisify(execFile)('npx', ['tsc', '-b', 'apps/game-server'], { cwd: repoRoot });
    kafka = createKafkaClient({ clientId: 'crash-test-client', brokers: [broker.bootstrap] });
    producer = createProducer(kafka);
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await consumer?.disconnect();
    await producer?.disconnect();
    await broker?.stop();
  }, 60_000);

  it('answers every order exactly once and ends in the states a fresh engine computes', async (ctx) => {
    if (broker === undefined) ctx.skip('no Kafka broker on this machine (see the message above)');
    server = await startServer();

    // What any client reading txn-results sees (committed data only).
    const answers = new Map<string, number>();
    /** txnIds in the order the server executed them (one trader's results share a partition, so keep its order). */
    const executionOrder: string[] = [];
    consumer = kafka.consumer({ groupId: 'crash-test-reader', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.txnResults.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const result = JSON.parse(message.value!.toString()) as { txnId: string; type: string };
        if (result.type === 'BAILOUT' || result.type === 'RETURN' || !result.txnId.startsWith(`crash_${RUN}_`)) return;
        answers.set(result.txnId, (answers.get(result.txnId) ?? 0) + 1);
        executionOrder.push(result.txnId);
      },
    });

    const plan = planOrders();
    let killedAt = -1;
    for (let i = 0; i < plan.length; i++) {
      const { topic, key, value } = toRecord(plan[i]);
      await producer.send({ topic, messages: [{ key, value }] });
      if (killedAt < 0 && answers.size >= 150) {
        server.kill('SIGKILL');
        killedAt = i;
        server = await startServer();
      }
    }
    expect(killedAt, 'the server was killed while orders were still coming').toBeGreaterThan(0);
    console.log(`killed the server after ${killedAt} of ${ORDERS} orders had been produced (${answers.size} answered)`);

    await eventually(() => expect(answers.size).toBe(ORDERS), 90_000, 200);
    const duplicates = [...answers].filter(([, count]) => count !== 1);
    expect(duplicates).toEqual([]);

    // The same orders on a fresh engine, in the order the server executed them: a trader's orders on
    // three topics have no order between topics, only within each (as in the 2018 game).
    const byTxnId = new Map(plan.map((p) => [p.action.order.txnId, p]));
    const engine = new MarketEngine({ seed: 'expected', startTime: 0, rules: makeRules(FLAT_RULES) });
    for (const txnId of executionOrder) {
      const { trader, action } = byTxnId.get(txnId)!;
      engine.executeAction(trader, action, 0);
    }
    const expected = engine
      .leaderboard()
      .traders.map(({ team, name, coins, shares, bailouts, fedMonkeys }) => ({ team, name, coins, shares, bailouts, fedMonkeys }));

    const port = /localhost:(\d+)/.exec(output.filter((l) => l.includes('Banana Market is open')).at(-1)!)![1];
    const board = (await (await fetch(`http://127.0.0.1:${port}/api/leaderboard`)).json()) as { traders: Record<string, unknown>[] };
    const actual = board.traders
      .filter((t) => String(t.name).startsWith(`crash-${RUN}-`))
      .map(({ team, name, coins, shares, bailouts, fedMonkeys }) => ({ team, name, coins, shares, bailouts, fedMonkeys }));
    const byId = (rows: { team: unknown; name: unknown }[]) =>
      [...rows].sort((a, b) => traderId(a as TraderKey).localeCompare(traderId(b as TraderKey)));
    expect(byId(actual)).toEqual(byId(expected));
  }, 240_000);
});
