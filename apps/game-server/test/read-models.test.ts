/**
 * Every server answers every player (issue #16): two buses on the same log
 * are two servers; what one of them, or any outside client, writes on the
 * registrations and trader-states topics is known to the other.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '@banana-market/engine';
import { encode, TOPICS, type TraderKey, type TraderState } from '@banana-market/protocol';
import { partitionForKey } from '../src/bus/key-partitioner.js';
import type { MessageBus } from '../src/bus/message-bus.js';
import { TraderAlreadyRegisteredError, TraderRegistry } from '../src/game/trader-registry.service.js';
import { TraderStatesView } from '../src/read-models/trader-states.view.js';
import { StateCipher } from '../src/state/state-cipher.js';
import { BUS_KINDS, busEnvironment, type BusEnvironment } from './support/buses.js';

const WITHIN = { timeout: 15_000, interval: 50 };

const stateAt = (fedMonkeys: number, coins = 10): TraderState => ({
  time: new Date(Date.UTC(2026, 0, 1) + fedMonkeys * 1000).toISOString(),
  coins,
  shares: 5,
  bailouts: 0,
  fedMonkeys,
  inFlightInvestments: 0,
});

/** The same trader's key written the way no server writes it: fields reversed, spaced out. */
const nonCanonicalKey = (trader: TraderKey): Buffer =>
  Buffer.from(`{ "name" : ${JSON.stringify(trader.name)} ,\n "team": ${JSON.stringify(trader.team)} }`);

describe.each(BUS_KINDS)('read models shared by servers on the %s bus', (kind) => {
  let env: BusEnvironment | undefined;
  let busA: MessageBus;
  let busB: MessageBus;
  /** Unique per run: a shared broker (KAFKA_BROKERS) keeps what earlier runs wrote. */
  const team = `RM${randomUUID().slice(0, 8).toUpperCase()}`;
  const started: { onApplicationShutdown(): unknown }[] = [];

  async function start<T extends { onModuleInit(): Promise<void>; onApplicationShutdown(): unknown }>(service: T): Promise<T> {
    started.push(service);
    await service.onModuleInit();
    return service;
  }

  beforeAll(async () => {
    env = await busEnvironment(kind);
    if (env === undefined) return;
    // Two servers on the same log (on Kafka two connections to the broker, on the embedded bus the one log).
    busA = await env.createBus();
    busB = await env.createBus();
  }, 180_000);

  afterAll(async () => {
    for (const service of started) await service.onApplicationShutdown();
    await env?.client.close();
    await env?.stop();
  }, 60_000);

  it('knows, on every server, a trader registered on any of them, and takes its token', async (ctx) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const clock = new SystemClock();
    // One game: the servers share its secret (the tokens derive from it).
    const key = StateCipher.fromSecret('read-models-test-secret');
    const early: TraderKey = { team, name: 'early' };
    const registryA = await start(new TraderRegistry(busA, clock, key));
    const earlyToken = await registryA.register(early);
    const registryB = await start(new TraderRegistry(busB, clock, key));
    // What was registered before B started is known as B starts (on Kafka: or a moment later,
    // when the broker has written the commit markers of A's transaction and B's follower reads it).
    await vi.waitFor(() => {
      expect(registryB.isRegistered(early)).toBe(true);
      expect(registryB.traderForToken(earlyToken)).toEqual(early);
    }, WITHIN);

    // Registered on A while B runs: known on B within a moment, its token valid there, its name taken.
    const late: TraderKey = { team, name: 'late' };
    const lateToken = await registryA.register(late);
    await vi.waitFor(() => {
      expect(registryB.isRegistered(late)).toBe(true);
      expect(registryB.traderForToken(lateToken)).toEqual(late);
    }, WITHIN);
    await expect(registryB.register(late)).rejects.toBeInstanceOf(TraderAlreadyRegisteredError);

    // And the other way round; the server that registered knows its own trader once (its follower reads it again).
    const viaB: TraderKey = { team, name: 'via-b' };
    const viaBToken = await registryB.register(viaB);
    expect(registryB.traderForToken(viaBToken)).toEqual(viaB);
    await vi.waitFor(() => expect(registryA.traderForToken(viaBToken)).toEqual(viaB), WITHIN);
    expect(registryA.traderForToken('not-a-token')).toBeUndefined();
    const sizeA = registryA.size;
    await registryA.register({ team, name: 'counted-once' });
    await vi.waitFor(() => expect(registryB.isRegistered({ team, name: 'counted-once' })).toBe(true), WITHIN);
    expect(registryA.size).toBe(sizeA + 1);
  }, 60_000);

  it('follows trader states written by anyone, whatever bytes spell the trader, and deletes on a tombstone', async (ctx) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const view = await start(new TraderStatesView(busB));
    await view.ready;
    const changes: [string, number | undefined][] = [];
    view.onChange((trader, state) => {
      if (trader.team === team) changes.push([trader.name, state?.fedMonkeys]);
    });
    // A trader whose two spellings land in different partitions (as Kafka and the embedded bus place keys).
    const partitionOf = (key: string | Buffer) => partitionForKey(TOPICS.traderStates.name, Buffer.from(key), TOPICS.traderStates.partitions);
    const ana = Array.from({ length: 64 }, (_, i): TraderKey => ({ team, name: `ana${i}` })).find(
      (t) => partitionOf(encode.traderKey(t)) !== partitionOf(nonCanonicalKey(t)),
    )!;

    await env!.client.produce(TOPICS.traderStates.name, [{ key: nonCanonicalKey(ana), value: encode.traderState(stateAt(3)) }]);
    await vi.waitFor(() => expect(view.state(ana)).toEqual(stateAt(3)), WITHIN);
    expect(view.all().filter((s) => s.trader.team === team)).toEqual([{ trader: ana, state: stateAt(3) }]);

    // The canonical key (what a server writes) of the same trader replaces it: one trader, not two.
    await busA.publish(TOPICS.traderStates.name, [{ key: encode.traderKey(ana), value: encode.traderState(stateAt(4, 12.5)) }]);
    await vi.waitFor(() => expect(view.state(ana)).toEqual(stateAt(4, 12.5)), WITHIN);
    expect(view.all().filter((s) => s.trader.team === team)).toHaveLength(1);

    // Under the other spelling again, in the other partition: an older state does not win over a newer one.
    await env!.client.produce(TOPICS.traderStates.name, [{ key: nonCanonicalKey(ana), value: encode.traderState(stateAt(1)) }]);
    await env!.client.produce(TOPICS.traderStates.name, [{ key: nonCanonicalKey(ana), value: encode.traderState(stateAt(5)) }]);
    await vi.waitFor(() => expect(view.state(ana)).toEqual(stateAt(5)), WITHIN);

    // Garbage is skipped; a tombstone, under either spelling, deletes.
    await env!.client.produce(TOPICS.traderStates.name, [
      { key: nonCanonicalKey(ana), value: '{"coins":"lots"}' },
      { key: 'not json', value: encode.traderState(stateAt(9)) },
      { key: nonCanonicalKey(ana), value: null },
    ]);
    await vi.waitFor(() => expect(view.state(ana)).toBeUndefined(), WITHIN);
    expect(changes).toEqual([
      [ana.name, 3],
      [ana.name, 4],
      [ana.name, 5],
      [ana.name, undefined],
    ]);
  }, 60_000);

  it('holds, once ready, every state the topic held when it started', async (ctx) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const bulk = `${team}-BULK`;
    const traders: TraderKey[] = Array.from({ length: 40 }, (_, i) => ({ team: bulk, name: `t${i}` }));
    // Ensure the topic exists before the outside client writes to it.
    await busA.ensureTopics([TOPICS.traderStates]);
    // Two states each (the later wins), half of them under the non-canonical key, one deleted. All written
    // by the outside client (no transaction: nothing waits for commit markers, it is readable once acknowledged).
    const keyOf = (t: TraderKey, i: number) => (i % 2 === 0 ? nonCanonicalKey(t) : encode.traderKey(t));
    await env!.client.produce(
      TOPICS.traderStates.name,
      traders.map((t, i) => ({ key: keyOf(t, i), value: encode.traderState(stateAt(1)) })),
    );
    await env!.client.produce(
      TOPICS.traderStates.name,
      traders.map((t, i) => ({ key: keyOf(t, i), value: encode.traderState(stateAt(i + 2)) })),
    );
    await env!.client.produce(TOPICS.traderStates.name, [{ key: keyOf(traders[1], 1), value: null }]);

    const view = new TraderStatesView(busB);
    started.push(view);
    void view.onModuleInit();
    await view.ready;
    const mine = view
      .all()
      .filter((s) => s.trader.team === bulk)
      .sort((x, y) => x.state.fedMonkeys - y.state.fedMonkeys);
    const expected = traders.map((trader, i) => ({ trader, state: stateAt(i + 2) })).filter((_, i) => i !== 1);
    expect(mine).toEqual(expected);
  }, 60_000);

  it("hands a follower a partition's messages in order, waits for a handler's promise, and goes on past one that throws", async (ctx) => {
    if (env === undefined) ctx.skip(`no ${kind} bus on this machine (see the message above)`);
    const topic = `${team}-in-order`;
    await busA.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
    const seen: number[] = [];
    /** Messages handed over while a handler's promise was pending (none may be). */
    const overlapping: number[] = [];
    let pending = false;
    const subscription = await busA.subscribe({
      groupId: `${team}-in-order`,
      topics: [topic],
      commitOffsets: false,
      fromBeginning: true,
      onMessage: (message) => {
        const n = Number(String(message.value));
        if (pending) overlapping.push(n);
        seen.push(n);
        if (n === 7) throw new Error('a handler failed on 7');
        if (n % 10 !== 3) return undefined;
        pending = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            pending = false;
            resolve();
          }, 20),
        );
      },
    });
    // One write: on Kafka one batch, whose messages a handler sees one after the other.
    const numbers = Array.from({ length: 40 }, (_, i) => i);
    await env!.client.produce(
      topic,
      numbers.map((n) => ({ key: null, value: String(n) })),
    );
    await vi.waitFor(() => expect(seen).toEqual(numbers), WITHIN);
    expect(overlapping).toEqual([]);
    await subscription.close();
  }, 60_000);
});
