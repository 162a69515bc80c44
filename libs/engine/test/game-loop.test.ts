import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '@banana-market/engine';
import { createHash } from 'node:crypto';
import { gameEventSchema, type TraderKey } from '@banana-market/protocol';
import {
  ENDED_REASON,
  GameLoop,
  MKTD2018_RULES,
  PAUSED_REASON,
  VirtualClock,
  runVirtualGame,
  seedCommitment,
  type EngineEvent,
} from '../src/index.js';
import { T0, alice, results } from './support.js';

function loopOnVirtualTime(seed = 'loop') {
  const clock = new VirtualClock(T0);
  const loop = new GameLoop({ seed, clock, rules: MKTD2018_RULES });
  const seen: EngineEvent[] = [];
  loop.onEvents((events) => seen.push(...events));
  return { clock, loop, seen, prices: () => seen.filter((e) => e.kind === 'price') };
}

const feed = (txnId: string) => ({ kind: 'feed' as const, order: { txnId, monkeys: 1 } });

describe('the game loop on a virtual clock', () => {
  it('ticks every tick without sleeping', () => {
    const { clock, loop, prices } = loopOnVirtualTime();
    loop.start();
    clock.advance(60_000);
    expect(prices()).toHaveLength(60);
    expect(loop.status).toBe('running');
  });

  it('executes actions at the clock time, after the ticks that fell due', () => {
    const { clock, loop, seen } = loopOnVirtualTime();
    loop.start();
    clock.advance(2500);
    const own = loop.submit(alice, feed('a'));
    expect(results(own)[0].state.time).toBe(new Date(T0 + 2500).toISOString());
    expect(seen.at(-1)).toEqual(own.at(-1));
  });

  it('stands still while paused: no ticks, actions rejected, no catch-up on resume', () => {
    const { clock, loop, prices } = loopOnVirtualTime();
    loop.start();
    clock.advance(3000);
    loop.pause();
    expect(loop.status).toBe('paused');
    clock.advance(600_000);
    expect(prices()).toHaveLength(3);
    const refused = results(loop.submit(alice, feed('p')));
    expect(refused[0]).toMatchObject({ status: 'REJECTED', reason: PAUSED_REASON });
    expect(loop.traderState(alice)).toBeUndefined();
    loop.resume();
    clock.advance(999);
    expect(prices()).toHaveLength(3);
    clock.advance(1);
    expect(prices()).toHaveLength(4);
    expect(results(loop.submit(alice, feed('p')))[0].status).toBe('ACCEPTED');
  });

  it('delivers plantation returns on time, between ticks', () => {
    const { clock, loop, seen } = loopOnVirtualTime();
    loop.start();
    loop.submit(alice, { kind: 'invest', order: { txnId: 'i', invested: 5 } }); // due after 50 ms
    clock.advance(50);
    expect(results(seen).map((r) => r.type)).toEqual(['INVEST', 'RETURN']);
  });

  it('ends: no more ticks, actions rejected', () => {
    const { clock, loop, prices } = loopOnVirtualTime();
    loop.start();
    clock.advance(1000);
    loop.end();
    clock.advance(10_000);
    expect(prices()).toHaveLength(1);
    expect(loop.status).toBe('ended');
    expect(results(loop.submit(alice, feed('e')))[0]).toMatchObject({ status: 'REJECTED', reason: ENDED_REASON });
  });

  it('keeps running when a listener throws', () => {
    const clock = new VirtualClock(T0);
    const errors: unknown[] = [];
    const loop = new GameLoop({ seed: 's', clock, onListenerError: (e) => errors.push(e) });
    let ticks = 0;
    loop.onEvents(() => {
      throw new Error('listener bug');
    });
    loop.onEvents((events) => (ticks += events.filter((e) => e.kind === 'price').length));
    loop.start();
    clock.advance(5000);
    expect(ticks).toBe(5);
    // The listener threw on every batch: the GAME_STARTED announcement, then five ticks.
    expect(errors).toHaveLength(6);
  });
});

describe('the seed commitment', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const SEED = 'Zebra-Quokka/7f3a·graine';
  const gameEvents = (seen: readonly EngineEvent[]) => seen.flatMap((e) => (e.kind === 'game-event' ? [e.event] : []));

  it('is the lowercase hex SHA-256 of the UTF-8 bytes', () => {
    expect(seedCommitment('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(seedCommitment('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(seedCommitment(SEED)).toBe(sha256(SEED));
    expect(seedCommitment(SEED)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is announced at the start instead of the seed, which the end reveals', () => {
    const { clock, loop, seen } = loopOnVirtualTime(SEED);
    expect(loop.seedCommitment).toBe(sha256(SEED));
    loop.start();
    const started = gameEvents(seen)[0];
    expect(started).toEqual({ type: 'GAME_STARTED', time: new Date(T0).toISOString(), seedCommitment: sha256(SEED) });
    expect(gameEventSchema.parse(started)).toEqual(started);
    clock.advance(5000);
    loop.pause();
    loop.resume();
    loop.submit(alice, feed('c'));
    expect(loop.revealedSeed).toBeUndefined();
    // Nothing the game said before its end holds the seed.
    expect(JSON.stringify(seen)).not.toContain(SEED);

    loop.end();
    const ended = gameEvents(seen).at(-1);
    expect(ended).toMatchObject({ type: 'GAME_ENDED', seed: SEED, seedCommitment: sha256(SEED) });
    expect(gameEventSchema.parse(ended)).toEqual(ended);
    expect(loop.revealedSeed).toBe(SEED);
  });

  it("announces a reset with the new game's commitment, and keeps the new seed secret until its end", () => {
    const { loop, seen } = loopOnVirtualTime(SEED);
    loop.start();
    loop.end();
    const before = seen.length;
    loop.reset('another-secret-seed');
    const reset = gameEvents(seen.slice(before));
    expect(reset).toEqual([{ type: 'GAME_RESET', time: expect.any(String), seedCommitment: sha256('another-secret-seed') }]);
    expect(loop.seedCommitment).toBe(sha256('another-secret-seed'));
    expect(loop.revealedSeed).toBeUndefined();
    expect(JSON.stringify(seen.slice(before))).not.toContain('another-secret-seed');
    loop.end();
    expect(gameEvents(seen).at(-1)).toMatchObject({ type: 'GAME_ENDED', seed: 'another-secret-seed', seedCommitment: sha256('another-secret-seed') });

    // A reset without a seed plays the same seed again: the same commitment.
    loop.reset();
    expect(gameEvents(seen).at(-1)).toMatchObject({ type: 'GAME_RESET', seedCommitment: sha256('another-secret-seed') });
  });

  it('does not reveal the seed when the host stops without ending the game', () => {
    const { loop, seen } = loopOnVirtualTime(SEED);
    loop.start();
    loop.stop();
    expect(loop.status).toBe('ended');
    expect(loop.revealedSeed).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(SEED);
  });
});

describe('determinism', () => {
  const bots: { trader: TraderKey; strategy: (typeof STRATEGIES)[string] }[] = Object.entries(STRATEGIES).map(([name, strategy]) => ({
    trader: { team: 'SIM', name },
    strategy,
  }));
  const gibbs = [
    { atMs: 30_000, text: 'banana great great #MKTD' },
    { atMs: 90_000, text: 'banana bubble burst sell' },
  ];

  it('plays the same game from the same seed and inputs', () => {
    const a = runVirtualGame({ seed: 'same', durationMs: 600_000, bots, gibbs });
    const b = runVirtualGame({ seed: 'same', durationMs: 600_000, bots, gibbs });
    expect(a.prices.length).toBe(600);
    expect(a.txnResults.length).toBeGreaterThan(100);
    expect(b.prices).toEqual(a.prices);
    expect(b.txnResults).toEqual(a.txnResults);
    expect(b.leaderboard).toEqual(a.leaderboard);
  });

  it('plays another game from another seed', () => {
    const a = runVirtualGame({ seed: 'one', durationMs: 60_000, bots });
    const b = runVirtualGame({ seed: 'two', durationMs: 60_000, bots });
    expect(b.prices).not.toEqual(a.prices);
  });
});
