/**
 * Whatever traders do — valid orders, orders they cannot afford, garbage the
 * decoder rejected, replays — coins and shares never go negative, and an
 * action that is not applied changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraderKey } from '@banana-market/protocol';
import type { EngineEvent, TraderAction } from '../src/index.js';
import { T0, alice, bob, carol, engineWith, results } from './support.js';

type Step =
  | { do: 'act'; who: number; action: TraderAction }
  | { do: 'reject'; who: number; txnId: string }
  | { do: 'wait'; ms: number }
  | { do: 'gibb'; text: string };

const txnId = fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8');
const units = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 1_000_000_000 }));
const coins = fc.oneof(fc.double({ min: 0.001, max: 30, noNaN: true }), fc.double({ min: 0.001, max: 1e12, noNaN: true }));
const action: fc.Arbitrary<TraderAction> = fc.oneof(
  fc.record({
    kind: fc.constant('market' as const),
    order: fc.record({ txnId, type: fc.constantFrom('BUY' as const, 'SELL' as const), shares: units }),
  }),
  fc.record({ kind: fc.constant('invest' as const), order: fc.record({ txnId, invested: coins }) }),
  fc.record({ kind: fc.constant('feed' as const), order: fc.record({ txnId, monkeys: units }) }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ do: fc.constant('act' as const), who: fc.nat(2), action }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('reject' as const), who: fc.nat(2), txnId }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 70_000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('gibb' as const),
      text: fc.constantFrom('banana great up', 'banana no bad sell', '#MKTD love', 'nothing'),
    }),
  },
);
const TRADERS: TraderKey[] = [alice, bob, carol];

function assertHealthy(events: readonly EngineEvent[]): void {
  for (const e of events) {
    const state = e.kind === 'txn-result' ? e.result.state : e.kind === 'trader-state' ? e.state : undefined;
    if (state === undefined) continue;
    expect(state.coins).toBeGreaterThanOrEqual(0);
    expect(state.shares).toBeGreaterThanOrEqual(0);
    expect(state.inFlightInvestments).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(state.coins)).toBe(true);
  }
}

describe('engine properties', () => {
  it('never lets coins or shares go negative, and changes nothing on a refused or rejected action', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.array(step, { maxLength: 60 }), (seed, steps) => {
        const engine = engineWith({}, seed);
        let now = T0;
        for (const s of steps) {
          if (s.do === 'wait') {
            now += s.ms;
            assertHealthy(engine.advanceTo(now));
            continue;
          }
          if (s.do === 'gibb') {
            engine.applyGibb({ id: 'g', time: new Date(now).toISOString(), text: s.text }, now);
            continue;
          }
          const trader = TRADERS[s.who];
          const before = engine.traderState(trader);
          const boardBefore = engine.leaderboard();
          const events =
            s.do === 'act' ? engine.executeAction(trader, s.action, now) : engine.rejectAction(trader, 'MARKET', s.txnId, 'bad input', now);
          assertHealthy(events);
          const [first] = results(events);
          const applied = first.status === 'ACCEPTED' && !events.some((e) => e.kind === 'txn-result' && e.replayed === true);
          if (!applied) {
            // Refused, rejected or replayed: the state is what it was (a first refused action may open the account).
            const after = engine.traderState(trader);
            if (before !== undefined) expect(after).toEqual(before);
            if (s.do === 'reject') expect(after).toEqual(before);
            if (before !== undefined) expect(engine.leaderboard()).toEqual(boardBefore);
          }
        }
        for (const t of engine.traders()) {
          expect(t.state.coins).toBeGreaterThanOrEqual(0);
          expect(t.state.shares).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('conserves shares: shares held + fed = start + bought − sold + bailout shares', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 80 }), (actions) => {
        const engine = engineWith({ priceSigma: 0 }, 'conserve');
        let bought = 0;
        for (const a of actions) {
          const events = engine.executeAction(alice, a, T0);
          const replayed = events.some((e) => e.kind === 'txn-result' && e.replayed === true);
          const [first] = results(events);
          if (!replayed && first.status === 'ACCEPTED' && a.kind === 'market') bought += a.order.type === 'BUY' ? a.order.shares : -a.order.shares;
        }
        const s = engine.traderState(alice);
        if (s === undefined) return;
        expect(s.shares + s.fedMonkeys).toBe(5 + bought + 5 * s.bailouts);
      }),
      { numRuns: 300 },
    );
  });
});
