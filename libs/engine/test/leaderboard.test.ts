import { describe, expect, it } from 'vitest';
import type { TraderKey, TraderState } from '@banana-market/protocol';
import { leaderboardOf, makeRules, scoreOf, type TraderAction } from '../src/index.js';
import { T0, alice, bob, carol, engineWith } from './support.js';

const rules = makeRules({ bailoutPenalty: 20 }, 'mktd2018');
const state = (fedMonkeys: number, bailouts = 0, extra: Partial<TraderState> = {}): TraderState => ({
  time: new Date(T0).toISOString(),
  coins: 10,
  shares: 5,
  bailouts,
  fedMonkeys,
  inFlightInvestments: 0,
  ...extra,
});
const at = (trader: TraderKey, s: TraderState) => ({ trader, state: s });

describe('leaderboardOf', () => {
  it('scores fed monkeys minus the bailout penalty', () => {
    expect(scoreOf({ fedMonkeys: 13, bailouts: 1 }, rules)).toBe(13 - 20);
    const board = leaderboardOf([at(alice, state(13, 1, { coins: 3.5, shares: 2 }))], rules);
    expect(board.traders).toEqual([{ team: 'BONOBO', name: 'alice', score: -7, fedMonkeys: 13, bailouts: 1, coins: 3.5, shares: 2 }]);
  });

  it('ranks by score, then fed monkeys, then team and name', () => {
    const dave: TraderKey = { team: 'AAA', name: 'dave' };
    const erin: TraderKey = { team: 'BONOBO', name: 'erin' };
    // carol 40 - 20 = 20 with 40 fed beats bob's 20 with 20 fed; alice, dave and erin tie at 10/10.
    const board = leaderboardOf([at(alice, state(10)), at(bob, state(20)), at(carol, state(40, 1)), at(erin, state(10)), at(dave, state(10))], rules);
    expect(board.traders.map((t) => `${t.team}/${t.name}`)).toEqual(['GIBBON/carol', 'BONOBO/bob', 'AAA/dave', 'BONOBO/alice', 'BONOBO/erin']);
  });

  it('sums teams and ranks them by score, then name', () => {
    const board = leaderboardOf([at(alice, state(10)), at(bob, state(5, 1)), at(carol, state(0)), at({ team: 'AAA', name: 'x' }, state(0))], rules);
    expect(board.teams).toEqual([
      { team: 'AAA', score: 0, traders: 1 },
      { team: 'GIBBON', score: 0, traders: 1 },
      { team: 'BONOBO', score: 10 + 5 - 20, traders: 2 },
    ]);
  });

  it('is empty without traders and leaves its input as it is', () => {
    expect(leaderboardOf([], rules)).toEqual({ traders: [], teams: [] });
    const input = [at(alice, state(1)), at(bob, state(2))];
    const copy = structuredClone(input);
    leaderboardOf(input, rules);
    expect(input).toEqual(copy);
  });

  it('is what the engine reports from its own accounts', () => {
    const engine = engineWith({ priceSigma: 0, priceMu: 0 });
    const feed = (monkeys: number, txnId: string): TraderAction => ({ kind: 'feed', order: { txnId, monkeys } });
    engine.registerTrader(alice, T0);
    engine.registerTrader(carol, T0);
    engine.executeAction(bob, feed(2, 'f1'), T0);
    engine.executeAction(carol, feed(1, 'f2'), T0);
    const standings = [alice, bob, carol].map((trader) => {
      const s = engine.traderState(trader);
      if (s === undefined) throw new Error(`no state for ${trader.name}`);
      return { trader, state: s };
    });
    expect(engine.leaderboard()).toEqual(leaderboardOf(standings, engine.rules));
  });
});
