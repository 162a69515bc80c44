import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '@banana-market/engine';
import type { TraderKey } from '@banana-market/protocol';
import { ENDED_REASON, GameLoop, PAUSED_REASON, VirtualClock, runVirtualGame, type EngineEvent } from '../src/index.js';
import { T0, alice, results } from './support.js';

function loopOnVirtualTime(seed = 'loop') {
  const clock = new VirtualClock(T0);
  const loop = new GameLoop({ seed, clock });
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
