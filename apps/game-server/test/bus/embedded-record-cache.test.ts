/**
 * What the durable embedded bus spares its own process: a task's changelog
 * is written latest-per-key when its transaction commits (publishAtCommit,
 * the state store's record cache), and the results and states the tasks
 * publish carry the values their bytes decode to (OutgoingMessage.decoded).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changelogKey, decodeMessage, TOPICS, type TraderKey, type TraderState, type TxnResult } from '@banana-market/protocol';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import type { BusMessage, TaskContext } from '../../src/bus/message-bus.js';
import { toTopicMessage } from '../../src/game/engine-event-publisher.js';
import { publishedResult, publishedState } from '../../src/game/published-answers.js';
import { accountEntry, GameStateStore } from '../../src/state/game-state-store.js';
import { StateCipher } from '../../src/state/state-cipher.js';

const COMPACT = { 'cleanup.policy': 'compact' };
const trader: TraderKey = { team: 'T', name: 'a' };
const state = (coins: number): TraderState => ({
  time: '2026-12-04T23:00:00.000Z',
  coins,
  shares: 3,
  bailouts: 0,
  fedMonkeys: 0,
  inFlightInvestments: 0,
});

const dirs: string[] = [];
const buses: EmbeddedBus[] = [];
async function durableTasks(): Promise<{ bus: EmbeddedBus; task: TaskContext; handled: BusMessage[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bus-record-cache-'));
  dirs.push(dir);
  return tasksOn(new EmbeddedBus({ dataDir: dir }));
}

/** The bus' one task of a group reading "orders", with a compacted "changelog" beside. */
async function tasksOn(bus: EmbeddedBus): Promise<{ bus: EmbeddedBus; task: TaskContext; handled: BusMessage[] }> {
  buses.push(bus);
  await bus.ensureTopics([
    { name: 'orders', partitions: 1, config: {} },
    { name: 'changelog', partitions: 1, config: COMPACT },
  ]);
  let task!: TaskContext;
  const handled: BusMessage[] = [];
  await bus.subscribeTasks({
    groupId: 'g',
    topics: ['orders'],
    onAssigned: async (tasks) => {
      task = tasks[0];
    },
    onRevoked: () => undefined,
    onMessage: (message) => void handled.push(message),
  });
  return { bus, task, handled };
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('durable embedded bus: publishAtCommit', () => {
  it('takes the messages when the transaction is written, into that transaction', async () => {
    const { bus, task } = await durableTasks();
    let taken = 0;
    const committed = task.publishAtCommit?.('changelog', () => {
      taken += 1;
      return [{ key: 'k', value: `v${taken}` }];
    });
    expect(committed).toBeDefined();
    expect(taken).toBe(0);
    await committed;
    expect(taken).toBe(1);
    expect((await bus.readTopic('changelog')).map((m) => String(m.value))).toEqual(['v1']);
  });

  it('is absent on a memory-only bus, which makes a publish visible at once', async () => {
    const { task } = await tasksOn(new EmbeddedBus());
    expect(task.publishAtCommit).toBeUndefined();
  });
});

describe("a task's state store on the durable embedded bus", () => {
  it('writes only the latest entry of a key among those of one transaction, encoded then', async () => {
    const { bus, task } = await durableTasks();
    const store = new GameStateStore(bus, StateCipher.fromSecret('test'), { topic: 'changelog', partition: 0 }, task.publish, task.publishAtCommit);
    const first = store.write([accountEntry(trader, state(10), '{}')]);
    const live = state(20);
    const second = store.write([accountEntry(trader, live, '{}')]);
    // Encoded at commit: what the entry holds then is what is written.
    (live as { coins: number }).coins = 25;
    expect(second).toBe(first);
    await second;
    await store.write([accountEntry(trader, state(30), '{}')]);
    const written = await bus.readTopic('changelog');
    expect(written.map((m) => String(m.key))).toEqual([changelogKey.account(trader), changelogKey.account(trader)]);
    expect(written.map((m) => JSON.parse(String(m.value)).state.coins)).toEqual([25, 30]);
  });

  it('publishes at once without publishAtCommit (the memory-only bus), every entry', async () => {
    const bus = new EmbeddedBus();
    buses.push(bus);
    await bus.ensureTopics([{ name: 'changelog', partitions: 1, config: COMPACT }]);
    const store = new GameStateStore(bus, StateCipher.fromSecret('test'), { topic: 'changelog', partition: 0 });
    void store.write([accountEntry(trader, state(10), '{}')]);
    void store.write([accountEntry(trader, state(20), '{}')]);
    expect((await bus.readTopic('changelog')).map((m) => JSON.parse(String(m.value)).state.coins)).toEqual([10, 20]);
  });
});

describe('the values of published answers', () => {
  const result: TxnResult = { txnId: 'x1', type: 'MARKET', state: state(12.5), status: 'ACCEPTED' };

  it('are what the bytes decode to, fields in the same order, frozen', () => {
    const stateMessage = toTopicMessage({ kind: 'trader-state', trader, state: state(7) }, undefined, undefined, true).message;
    const resultMessage = toTopicMessage({ kind: 'txn-result', trader, result }, undefined, undefined, true).message;
    for (const [message, decode] of [
      [stateMessage, decodeMessage.traderState],
      [resultMessage, decodeMessage.txnResult],
    ] as const) {
      const decoded = decode(message.value);
      expect(decoded.ok && decoded.value).toStrictEqual(message.decoded);
      expect(JSON.stringify(message.decoded)).toBe(message.value);
      expect(Object.isFrozen(message.decoded)).toBe(true);
    }
  });

  it('are not made for a bus that does not hand them over (remember off)', () => {
    expect(toTopicMessage({ kind: 'txn-result', trader, result }).message.decoded).toBeUndefined();
  });

  it('reach the consumers of the embedded bus with the bytes, on their topics only', async () => {
    const bus = new EmbeddedBus();
    buses.push(bus);
    await bus.ensureTopics([TOPICS.traderStates, TOPICS.txnResults].map((t) => ({ name: t.name, partitions: 1, config: {} })));
    const seen: BusMessage[] = [];
    await bus.subscribe({ groupId: 'g', topics: [TOPICS.traderStates.name, TOPICS.txnResults.name], onMessage: (m) => void seen.push(m) });
    const { topic, message } = toTopicMessage({ kind: 'trader-state', trader, state: state(7) }, undefined, undefined, true);
    await bus.publish(topic, [message]);
    await bus.publish(TOPICS.txnResults.name, [{ key: 'k', value: '{}' }]);
    await bus.whenIdle();
    expect(publishedState(seen[0])).toBe(message.decoded);
    expect(publishedResult(seen[0])).toBeUndefined();
    expect(publishedResult(seen[1])).toBeUndefined();
  });
});
