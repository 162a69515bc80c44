/**
 * A game's durable state: what GameLoop.takeChanges hands its host adds up to
 * the whole game, and a loop restored from it at any moment continues exactly
 * as the uninterrupted one (same prices, bursts, plantations and answers), in
 * virtual time.
 */
import { describe, expect, it } from 'vitest';
import type {
  ChangelogEntry,
  GameRecord,
  RecentInvestmentRecord,
  ReturnRecord,
  TraderKey,
  TraderState,
  TxnMemoryRecord,
} from '@banana-market/protocol';
import { traderId } from '@banana-market/protocol';
import seedrandom from 'seedrandom';
import { GameLoop, makeRules, VirtualClock, type EngineEvent, type GameSave, type TraderAction } from '../src/index.js';
import { T0, alice, bob, carol } from './support.js';

/** Bursts and plantations happen often enough for a short script to cross them. */
const RULES = makeRules({ burstProbabilityPerHype: 3, burstStepMs: 3000, investDelayMs: 20_000, txnMemoryPerTrader: 50 });
const TRADERS: TraderKey[] = [alice, bob, carol];

/** What a host keeps: the folded changelog (latest value per key, tombstones delete) and the newest state per trader. */
class StoredGame {
  private readonly entries = new Map<string, ChangelogEntry>();
  private readonly states = new Map<string, { trader: TraderKey; state: TraderState }>();

  write(events: readonly EngineEvent[], changes: readonly ChangelogEntry[]): void {
    for (const event of events)
      if (event.kind === 'trader-state') this.states.set(traderId(event.trader), { trader: event.trader, state: event.state });
    for (const entry of changes) {
      if (entry.value === null) this.entries.delete(entry.key);
      else this.entries.set(entry.key, structuredClone(entry));
    }
  }

  copy(): StoredGame {
    const copy = new StoredGame();
    for (const [key, entry] of this.entries) copy.entries.set(key, structuredClone(entry));
    for (const [id, state] of this.states) copy.states.set(id, structuredClone(state));
    return copy;
  }

  save(): GameSave {
    const values = [...this.entries.values()];
    const game = values.find((e) => e.store === 'game')?.value as GameRecord;
    return {
      game,
      returns: values.filter((e) => e.store === 'return').map((e) => e.value as ReturnRecord),
      recent: values.filter((e) => e.store === 'recent').map((e) => e.value as RecentInvestmentRecord),
      txns: values.filter((e) => e.store === 'txn').map((e) => e.value as TxnMemoryRecord),
      accounts: [...this.states.values()],
    };
  }
}

interface Running {
  readonly clock: VirtualClock;
  readonly loop: GameLoop;
  readonly stored: StoredGame;
  readonly events: EngineEvent[];
}

function host(clock: VirtualClock, loop: GameLoop, stored = new StoredGame()): Running {
  const events: EngineEvent[] = [];
  loop.onEvents((batch) => {
    events.push(...batch);
    stored.write(batch, loop.takeChanges());
  });
  return { clock, loop, stored, events };
}

function freshGame(seed = 'durable'): Running {
  const clock = new VirtualClock(T0);
  return host(clock, new GameLoop({ seed, clock, rules: RULES, trackChanges: true }));
}

/** A new loop on a new clock at `at`, restored from what `from` stored: a restarted server. */
function restoredGame(from: Running, at = from.clock.now()): Running {
  const clock = new VirtualClock(at);
  // A restarted server is configured with some other seed: the stored one wins.
  const loop = new GameLoop({ seed: 'not-the-stored-seed', clock, rules: RULES, trackChanges: true });
  const stored = from.stored.copy();
  loop.restore(stored.save());
  return host(clock, loop, stored);
}

/** The same inputs for any game: trades, plantations, feeding and gibbs (hype, bursts), one step per second. */
function step(game: Running, i: number): void {
  const random = seedrandom(`inputs-${i}`);
  const trader = TRADERS[i % TRADERS.length];
  const roll = random();
  const txnId = `t${i}`;
  const action: TraderAction =
    roll < 0.3
      ? { kind: 'market', order: { txnId, type: 'BUY', shares: 1 + Math.floor(random() * 3) } }
      : roll < 0.5
        ? { kind: 'market', order: { txnId, type: 'SELL', shares: 1 } }
        : roll < 0.75
          ? { kind: 'invest', order: { txnId, invested: 1 + Math.floor(random() * 4) } }
          : { kind: 'feed', order: { txnId, monkeys: 1 } };
  game.loop.submit(trader, action);
  if (i % 7 === 0) game.loop.applyGibb({ id: `g${i}`, time: new Date(game.clock.now()).toISOString(), text: 'banana yes good happy #mktd' });
  if (i % 11 === 0) game.loop.submit(trader, action); // a retry: answered from memory
  game.clock.advance(1000);
}

const essentials = (events: readonly EngineEvent[]) =>
  events
    .map((e) => (e.kind === 'txn-result' ? { ...e, replayed: e.replayed ?? false } : e))
    .filter((e) => e.kind !== 'game-event' || e.event.type !== 'GAME_STARTED');

describe('a game stored through takeChanges', () => {
  it('adds up to the whole game at every moment', () => {
    const game = freshGame();
    game.loop.start();
    for (let i = 0; i < 120; i++) {
      step(game, i);
      const whole = game.loop.save();
      const folded = game.stored.save();
      expect(folded.game).toEqual({ ...whole.game, savedAt: folded.game.savedAt });
      expect(new Set(folded.returns.map((r) => r.seq))).toEqual(new Set(whole.returns.map((r) => r.seq)));
      expect(new Set(folded.recent.map((r) => r.seq))).toEqual(new Set(whole.recent.map((r) => r.seq)));
      expect(folded.txns.map((t) => `${traderId(t.trader)}/${t.txnId}`).sort()).toEqual(
        whole.txns.map((t) => `${traderId(t.trader)}/${t.txnId}`).sort(),
      );
      expect(new Map(folded.accounts.map((a) => [traderId(a.trader), a.state]))).toEqual(
        new Map(whole.accounts.map((a) => [traderId(a.trader), a.state])),
      );
    }
    // The script did cross what must be stored: plantations in flight, bursts and forgotten txnIds.
    expect(game.events.some((e) => e.kind === 'game-event' && e.event.type === 'BUBBLE_BURST_STEP')).toBe(true);
    expect(game.events.some((e) => e.kind === 'txn-result' && e.result.type === 'RETURN')).toBe(true);
  });
});

describe('a restored game', () => {
  // Cut points: early, mid-burst, with plantations in flight, late (the txn memory of 50 has forgotten).
  it.each([5, 23, 47, 88, 151])('continues exactly as the uninterrupted one when restored after step %i', (cut) => {
    const uninterrupted = freshGame();
    const interrupted = freshGame();
    uninterrupted.loop.start();
    interrupted.loop.start();
    for (let i = 0; i < cut; i++) {
      step(uninterrupted, i);
      step(interrupted, i);
    }
    const before = uninterrupted.events.length;
    const restored = restoredGame(interrupted);
    restored.loop.start();
    expect(restored.loop.seed).toBe('durable');
    for (let i = cut; i < 200; i++) {
      step(uninterrupted, i);
      step(restored, i);
    }
    expect(essentials(restored.events)).toEqual(essentials(uninterrupted.events.slice(before)));
    expect(restored.loop.save()).toEqual(uninterrupted.loop.save());
    expect(restored.loop.leaderboard()).toEqual(uninterrupted.loop.leaderboard());
  });

  it('answers a txnId it answered before the restart from memory, without applying it again', () => {
    const game = freshGame();
    game.loop.start();
    for (let i = 0; i < 10; i++) step(game, i);
    const first = game.events.find((e) => e.kind === 'txn-result' && e.result.txnId === 't4');
    const restored = restoredGame(game);
    restored.loop.start();
    const before = restored.loop.traderState(TRADERS[4 % 3]);
    const again = restored.loop.submit(TRADERS[4 % 3], { kind: 'feed', order: { txnId: 't4', monkeys: 1 } });
    expect(again[0]).toMatchObject({ kind: 'txn-result', replayed: true, result: first?.kind === 'txn-result' ? first.result : undefined });
    expect(restored.loop.traderState(TRADERS[4 % 3])).toEqual(before);
  });

  it('after a downtime: the next tick follows the last one at once, plantations due meanwhile pay, nothing restarts', () => {
    const game = freshGame();
    game.loop.start();
    for (let i = 0; i < 30; i++) step(game, i);
    const lastPrice = game.events.filter((e) => e.kind === 'price').at(-1);
    const pending = game.loop.save().returns;
    expect(pending.length).toBeGreaterThan(0);
    const downtime = 5 * 60_000;
    const restored = restoredGame(game, game.clock.now() + downtime);
    restored.loop.start();
    const prices = restored.events.filter((e) => e.kind === 'price');
    expect(prices).toHaveLength(1);
    expect(prices[0].kind === 'price' && lastPrice?.kind === 'price' && prices[0].tick).toBe(lastPrice?.kind === 'price' ? lastPrice.tick + 1 : -1);
    // Every plantation in flight at the stop paid, at once.
    const returns = restored.events.filter((e) => e.kind === 'txn-result' && e.result.type === 'RETURN');
    expect(returns).toHaveLength(pending.length);
    expect(restored.loop.save().returns).toEqual([]);
    for (const trader of TRADERS) expect(restored.loop.traderState(trader)?.inFlightInvestments).toBe(0);
    // The walk carries on from its last price: no jump back to the initial price.
    if (prices[0].kind === 'price' && lastPrice?.kind === 'price') expect(Math.abs(prices[0].basePrice - lastPrice.basePrice)).toBeLessThan(0.2);
    restored.clock.advance(10_000);
    expect(restored.events.filter((e) => e.kind === 'price')).toHaveLength(11);
  });

  it('a paused game stays paused and an ended one ended, its seed revealed', () => {
    const game = freshGame();
    game.loop.start();
    for (let i = 0; i < 5; i++) step(game, i);
    game.loop.pause();
    const paused = restoredGame(game, game.clock.now() + 60_000);
    paused.loop.start();
    expect(paused.loop.status).toBe('paused');
    paused.clock.advance(10_000);
    expect(paused.events.filter((e) => e.kind === 'price')).toHaveLength(0);
    paused.loop.resume();
    paused.clock.advance(1000);
    expect(paused.events.filter((e) => e.kind === 'price')).toHaveLength(1);

    game.loop.end();
    const ended = restoredGame(game, game.clock.now() + 60_000);
    ended.loop.start();
    expect(ended.loop.status).toBe('ended');
    expect(ended.loop.revealedSeed).toBe('durable');
  });

  it('a reset deletes the old game’s plantations and memory from the store', () => {
    const game = freshGame();
    game.loop.start();
    for (let i = 0; i < 30; i++) step(game, i);
    expect(game.stored.save().returns.length + game.stored.save().txns.length).toBeGreaterThan(0);
    game.loop.reset('next-game');
    const stored = game.stored.save();
    expect(stored.returns).toEqual([]);
    expect(stored.recent).toEqual([]);
    expect(stored.txns).toEqual([]);
    expect(stored.game).toMatchObject({ seed: 'next-game', startedAt: game.clock.now(), phase: 'running' });
  });
});
