/**
 * The crash test's invariants catch what they claim to: a valid log passes,
 * and each kind of damage a crash could do (an order applied twice, coins
 * lost, a plantation dropped or paid twice, the price reset) is named.
 */
import { describe, expect, it } from 'vitest';
import { makeRules } from '@banana-market/engine';
import type { TraderState, TxnResult } from '@banana-market/protocol';
import {
  checkChains,
  checkConservation,
  checkPriceSeries,
  checkStatesMatchLog,
  distinctAnswers,
  orderKey,
  type LoggedResult,
  type SentOrder,
} from './invariants.js';

const rules = makeRules({ investDelayMs: 2_000, tradeFee: 0 });
const T = '{"team":"A","name":"a"}';
const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
const state = (ms: number, s: Partial<TraderState>): TraderState => ({
  time: at(ms),
  coins: rules.startCoins,
  shares: rules.startShares,
  bailouts: 0,
  fedMonkeys: 0,
  inFlightInvestments: 0,
  ...s,
});
const result = (txnId: string, type: TxnResult['type'], s: TraderState, status: TxnResult['status'] = 'ACCEPTED'): LoggedResult => ({
  trader: T,
  result: { txnId, type, status, state: s },
});

/** BUY 2 at 1.0, INVEST 3, FEED 1, the plantation pays 3.3, a refused SELL. */
function validLog(): LoggedResult[] {
  const c = rules.startCoins;
  const sh = rules.startShares;
  return [
    result('b1', 'MARKET', state(0, { coins: c - 2, shares: sh + 2 })),
    result('i1', 'INVEST', state(100, { coins: c - 5, shares: sh + 2, inFlightInvestments: 1 })),
    result('f1', 'FEED', state(200, { coins: c - 5, shares: sh + 1, fedMonkeys: 1, inFlightInvestments: 1 })),
    result('i1', 'RETURN', state(2_100, { coins: c - 1.7, shares: sh + 1, fedMonkeys: 1 })),
    result('s1', 'MARKET', state(2_100, { coins: c - 1.7, shares: sh + 1, fedMonkeys: 1 }), 'INSUFFICIENT_SHARES'),
  ];
}
const sent = new Map<string, SentOrder>([
  [orderKey(T, 'b1'), { kind: 'market', type: 'BUY', shares: 2 }],
  [orderKey(T, 'i1'), { kind: 'invest', invested: 3 }],
  [orderKey(T, 'f1'), { kind: 'feed', monkeys: 1 }],
  [orderKey(T, 's1'), { kind: 'market', type: 'SELL', shares: 99 }],
]);
const prices = { min: 0.9, max: 1.1 };

function check(log: LoggedResult[], stored: TraderState) {
  const { distinct, violations: twice } = distinctAnswers(log);
  const chains = checkChains(distinct, rules, sent, prices, [T]);
  const states = new Map([[T, stored]]);
  return {
    twice,
    chains: chains.violations,
    states: checkStatesMatchLog(states, chains.lastState),
    conservation: checkConservation(states, chains.totals, rules),
  };
}

describe('the crash invariants', () => {
  it('pass on a valid log, replays included', () => {
    const log = validLog();
    const replayed = [...log, log[0]]; // a replay is answered again, identically
    expect(check(replayed, log[3].result.state)).toEqual({ twice: [], chains: [], states: [], conservation: [] });
  });

  it('name an order applied twice', () => {
    const log = validLog();
    const again = result('b1', 'MARKET', state(2_200, { coins: rules.startCoins - 3.7, shares: rules.startShares + 3, fedMonkeys: 1 }));
    expect(check([...log, again], again.result.state).twice).toEqual([expect.stringContaining('b1|MARKET: answered twice differently')]);
  });

  it('name coins that vanished, and a state that is not the last logged one', () => {
    const stored = { ...validLog()[3].result.state, coins: rules.startCoins - 5 };
    const found = check(validLog(), stored);
    expect(found.conservation).toEqual([expect.stringMatching(/^Σcoins = .*, the conservation law says/)]);
    expect(found.states).toHaveLength(1);
  });

  it('name a plantation dropped on restore (inFlight back to 0 without a RETURN) and one paid twice', () => {
    const log = validLog().slice(0, 3);
    const dropped = result('f2', 'FEED', state(300, { coins: rules.startCoins - 5, shares: rules.startShares, fedMonkeys: 2 }));
    expect(check([...log, dropped], dropped.result.state).chains).toEqual([expect.stringContaining('inFlightInvestments changed by -1')]);
    const log2 = validLog();
    const twice = result('i1', 'RETURN', state(2_300, { coins: rules.startCoins + 1.6, shares: rules.startShares + 1, fedMonkeys: 1 }));
    // The second RETURN of one plantation is a different answer to (i1, RETURN): caught as answered twice.
    expect(check([...log2, twice], twice.result.state).twice).toHaveLength(1);
  });

  it('name an investment that took other than what was invested', () => {
    const log = validLog();
    log[1] = result('i1', 'INVEST', state(100, { coins: rules.startCoins - 6, shares: rules.startShares + 2, inFlightInvestments: 1 }));
    expect(check(log.slice(0, 2), log[1].result.state).chains).toEqual([expect.stringContaining('coins changed by -4')]);
  });

  it('name a price that went back to the initial price, and game time that went back', () => {
    const series = [1, 1.01, 1.3, 1.31, 1].map((coins, i) => ({ time: at(i === 3 ? 1 : i * 150), coins, forecast: coins }));
    expect(checkPriceSeries(series, 1, 1.5)).toEqual([
      expect.stringContaining('tick 3: game time went from'),
      expect.stringContaining('tick 4: the price went back to the initial price 1'),
    ]);
  });
});
