import { describe, expect, it } from 'vitest';
import { investmentDelayMs, investmentReturnMultiplier, MKTD2018_RULES, createRandom, type TraderAction } from '../src/index.js';
import { T0, alice, bob, carol, engineWith, ofKind, results } from './support.js';

const buy = (shares: number, txnId = `b${shares}`): TraderAction => ({ kind: 'market', order: { txnId, type: 'BUY', shares } });
const sell = (shares: number, txnId = `s${shares}`): TraderAction => ({ kind: 'market', order: { txnId, type: 'SELL', shares } });
const invest = (invested: number, txnId = `i${invested}`): TraderAction => ({ kind: 'invest', order: { txnId, invested } });
const feed = (monkeys: number, txnId = `f${monkeys}`): TraderAction => ({ kind: 'feed', order: { txnId, monkeys } });

/** A market whose price stays put, so amounts are easy to check. */
const flat = (rules = {}) => engineWith({ priceSigma: 0, priceMu: 0, ...rules });

describe('traders', () => {
  it('start with 10 coins, 5 shares, no bailouts, no fed monkeys, nothing in flight', () => {
    const engine = flat();
    const { created, state } = engine.registerTrader(alice, T0);
    expect(created).toBe(true);
    expect(state).toEqual({ time: new Date(T0).toISOString(), coins: 10, shares: 5, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 });
    expect(engine.registerTrader(alice, T0 + 5).created).toBe(false);
  });

  it('exist from their first action, even a refused one', () => {
    const engine = flat();
    expect(engine.traderState(bob)).toBeUndefined();
    const events = engine.executeAction(bob, buy(1000), T0);
    expect(results(events)[0].status).toBe('INSUFFICIENT_COINS');
    expect(ofKind(events, 'trader-state')).toHaveLength(1);
    expect(engine.traderState(bob)).toMatchObject({ coins: 10, shares: 5 });
  });
});

describe('market orders', () => {
  it('BUY n costs n × the current price', () => {
    const engine = flat();
    engine.applyGibb({ id: 'g', time: new Date(T0).toISOString(), text: 'banana great' }, T0);
    const [result] = results(engine.executeAction(alice, buy(3), T0));
    expect(result).toMatchObject({ txnId: 'b3', type: 'MARKET', status: 'ACCEPTED' });
    expect(result.state.coins).toBeCloseTo(10 - 3 * 1.01, 12);
    expect(result.state.shares).toBe(8);
  });

  it('SELL n earns n × the current price', () => {
    const engine = flat();
    const [result] = results(engine.executeAction(alice, sell(2), T0));
    expect(result.state).toMatchObject({ coins: 12, shares: 3 });
  });

  it('executes at the price current when it is processed', () => {
    const engine = engineWith();
    engine.registerTrader(alice, T0);
    engine.advanceTo(T0 + 10_000);
    const price = engine.currentPrice();
    expect(price).not.toBe(1);
    const [result] = results(engine.executeAction(alice, sell(1), T0 + 10_000));
    expect(result.state.coins).toBeCloseTo(10 + price, 12);
  });

  it('refuses to spend coins the trader does not have or sell shares they do not own', () => {
    const engine = flat();
    engine.registerTrader(alice, T0);
    const poor = engine.executeAction(alice, buy(11), T0);
    expect(results(poor)).toEqual([
      expect.objectContaining({ status: 'INSUFFICIENT_COINS', state: expect.objectContaining({ coins: 10, shares: 5 }) }),
    ]);
    expect(ofKind(poor, 'trader-state')).toEqual([]);
    const short = engine.executeAction(alice, sell(6), T0);
    expect(results(short)[0]).toMatchObject({ status: 'INSUFFICIENT_SHARES', state: { coins: 10, shares: 5 } });
    expect(engine.traderState(alice)).toMatchObject({ coins: 10, shares: 5 });
    // Exactly all the coins is allowed.
    expect(results(engine.executeAction(alice, buy(10), T0))[0]).toMatchObject({ status: 'ACCEPTED', state: { coins: 0, shares: 15 } });
  });
});

describe('investments', () => {
  it('take the coins now and return them with interest after min(10 ms × total invested, 60 s)', () => {
    const engine = flat();
    const events = engine.executeAction(alice, invest(4), T0);
    expect(results(events)[0]).toMatchObject({ type: 'INVEST', status: 'ACCEPTED', state: { coins: 6, inFlightInvestments: 1 } });
    // Total ever invested is 4 coins → 40 ms.
    expect(engine.advanceTo(T0 + 39).filter((e) => e.kind !== 'price')).toEqual([]);
    const back = engine.advanceTo(T0 + 40);
    const [ret] = results(back);
    expect(ret).toMatchObject({ txnId: 'i4', type: 'RETURN', status: 'ACCEPTED' });
    expect(ret.state.inFlightInvestments).toBe(0);
    // Early in a game the multiplier is at its cap, 1.15.
    expect(ret.state.coins).toBeCloseTo(6 + 4 * 1.15, 12);
    expect(ret.state.time).toBe(new Date(T0 + 40).toISOString());
    expect(ofKind(back, 'trader-state')).toHaveLength(1);
  });

  it('get slower and poorer as the whole market invests more', () => {
    expect(investmentDelayMs(4, MKTD2018_RULES)).toBe(40);
    expect(investmentDelayMs(5999, MKTD2018_RULES)).toBe(59_990);
    expect(investmentDelayMs(1e9, MKTD2018_RULES)).toBe(60_000);
    const r = createRandom('invest');
    const avg = (total: number) => {
      let sum = 0;
      for (let i = 0; i < 2000; i++) sum += investmentReturnMultiplier(total, MKTD2018_RULES, r);
      return sum / 2000;
    };
    expect(avg(0)).toBeCloseTo(1.15, 12); // e^(0.035 + e^-1) ≈ 1.50, capped
    // e^(0.035 + e^-4) ≈ 1.0546 at 3000 coins; e^0.035 ≈ 1.0356 when saturated.
    expect(avg(3000)).toBeCloseTo(Math.exp(0.035 + Math.exp(-4)) * Math.exp(0.01 ** 2 / 2), 3);
    expect(avg(1e7)).toBeCloseTo(Math.exp(0.035), 3);
    expect(avg(3000)).toBeLessThan(avg(2000));
  });

  it('refuse more coins than the trader has', () => {
    const engine = flat();
    const [result] = results(engine.executeAction(alice, invest(10.5), T0));
    expect(result).toMatchObject({ status: 'INSUFFICIENT_COINS', state: { coins: 10, inFlightInvestments: 0 } });
    expect(engine.nextDueTime()).toBe(T0 + 1000);
  });

  it('come back in due order across traders', () => {
    const engine = flat();
    engine.executeAction(alice, invest(5), T0); // total 5 → due at +50
    engine.executeAction(bob, invest(5), T0 + 10); // total 10 → due at +110
    engine.executeAction(carol, invest(1), T0 + 20); // total 11 → due at +130
    const back = results(engine.advanceTo(T0 + 500)).filter((r) => r.type === 'RETURN');
    expect(back.map((r) => r.state.time)).toEqual([50, 110, 130].map((ms) => new Date(T0 + ms).toISOString()));
  });
});

describe('feeding monkeys', () => {
  it('turns shares into fed monkeys', () => {
    const engine = flat();
    const [result] = results(engine.executeAction(alice, feed(3), T0));
    expect(result).toMatchObject({ type: 'FEED', status: 'ACCEPTED', state: { shares: 2, fedMonkeys: 3 } });
  });

  it('refuses to feed more monkeys than the trader has shares', () => {
    const engine = flat();
    const [result] = results(engine.executeAction(alice, feed(6), T0));
    expect(result).toMatchObject({ status: 'INSUFFICIENT_SHARES', state: { shares: 5, fedMonkeys: 0 } });
  });
});

describe('bailouts', () => {
  it('give 10 coins and 5 shares to a broke trader with nothing in flight, and cost 20 points', () => {
    const engine = flat();
    engine.executeAction(alice, buy(8), T0); // 2 coins, 13 shares
    const events = engine.executeAction(alice, feed(13), T0 + 1);
    const [fed, bailout] = results(events);
    expect(fed).toMatchObject({ txnId: 'f13', type: 'FEED', status: 'ACCEPTED', state: { coins: 2, shares: 0, bailouts: 0 } });
    expect(bailout).toMatchObject({
      txnId: 'f13',
      type: 'BAILOUT',
      status: 'ACCEPTED',
      state: { coins: 12, shares: 5, bailouts: 1, fedMonkeys: 13 },
    });
    expect(ofKind(events, 'game-event')[0].event).toMatchObject({ type: 'BAILOUT', trader: alice, bailouts: 1 });
    expect(ofKind(events, 'trader-state').map((e) => e.state)).toEqual([bailout.state]);
    expect(engine.leaderboard().traders[0]).toMatchObject({ name: 'alice', score: 13 - 20, bailouts: 1 });
  });

  it('wait while a plantation is in flight, and come when it returns too little', () => {
    const engine = flat({ investReturnCap: 0.1 });
    engine.executeAction(alice, feed(5), T0); // 10 coins, 0 shares: no bailout (coins > 3)
    const investing = results(engine.executeAction(alice, invest(9), T0));
    expect(investing.map((r) => r.type)).toEqual(['INVEST']); // 1 coin, 0 shares, but in flight
    const back = results(engine.advanceTo(T0 + 90));
    expect(back.map((r) => r.type)).toEqual(['RETURN', 'BAILOUT']);
    expect(back[1].state).toMatchObject({ bailouts: 1, shares: 5, inFlightInvestments: 0 });
    expect(back[1].state.coins).toBeCloseTo(1 + 0.9 + 10, 12);
  });

  it('do not follow a refused action', () => {
    const engine = flat();
    engine.executeAction(alice, buy(8), T0);
    engine.executeAction(alice, feed(13), T0); // bailout 1
    engine.executeAction(alice, buy(12), T0); // 0 coins, 17 shares
    engine.executeAction(alice, feed(17), T0); // bailout 2
    expect(engine.traderState(alice)).toMatchObject({ bailouts: 2 });
    engine.executeAction(alice, sell(5), T0);
    engine.executeAction(alice, feed(1), T0);
    const before = engine.traderState(alice);
    expect(results(engine.executeAction(alice, sell(99), T0))).toHaveLength(1);
    expect(engine.traderState(alice)).toEqual(before);
  });
});

describe('score and leaderboards', () => {
  it('rank traders by fedMonkeys − 20 × bailouts and teams by the sum of their traders', () => {
    const engine = flat();
    engine.executeAction(alice, feed(5), T0); // 5
    engine.executeAction(bob, feed(2), T0); // 2
    engine.executeAction(carol, feed(4), T0); // 4
    engine.executeAction(carol, buy(8), T0);
    engine.executeAction(carol, feed(9), T0); // 13 fed, 1 bailout → −7
    const board = engine.leaderboard();
    expect(board.traders.map((t) => [t.name, t.score])).toEqual([
      ['alice', 5],
      ['bob', 2],
      ['carol', -7],
    ]);
    expect(board.teams).toEqual([
      { team: 'BONOBO', score: 7, traders: 2 },
      { team: 'GIBBON', score: -7, traders: 1 },
    ]);
    expect(board.traders[0]).toEqual({ team: 'BONOBO', name: 'alice', score: 5, fedMonkeys: 5, bailouts: 0, coins: 10, shares: 0 });
  });
});

describe('transaction ids', () => {
  it('answer a replayed txnId with the first result and apply nothing', () => {
    const engine = flat();
    const first = engine.executeAction(alice, buy(2, 'same'), T0);
    const again = engine.executeAction(alice, buy(2, 'same'), T0 + 1);
    expect(results(again)).toEqual(results(first));
    expect(again.every((e) => e.kind === 'txn-result' && e.replayed === true)).toBe(true);
    expect(engine.traderState(alice)).toMatchObject({ coins: 8, shares: 7 });
    // Another trader may use the same id.
    expect(results(engine.executeAction(bob, buy(2, 'same'), T0))[0].state).toMatchObject({ coins: 8, shares: 7 });
  });

  it('keep a rejected txnId free for a corrected retry', () => {
    const engine = flat();
    const rejected = engine.rejectAction(alice, 'MARKET', 'fix-me', 'shares: expected an integer number of shares', T0);
    expect(results(rejected)[0]).toMatchObject({ status: 'REJECTED', reason: 'shares: expected an integer number of shares', type: 'MARKET' });
    expect(engine.traderState(alice)).toBeUndefined();
    expect(results(engine.executeAction(alice, buy(1, 'fix-me'), T0))[0].status).toBe('ACCEPTED');
  });

  it('are remembered per trader up to the configured number', () => {
    const engine = flat({ txnMemoryPerTrader: 2 });
    engine.executeAction(alice, feed(1, 'a'), T0);
    engine.executeAction(alice, feed(1, 'b'), T0);
    engine.executeAction(alice, feed(1, 'c'), T0);
    expect(results(engine.executeAction(alice, feed(1, 'b'), T0))[0].state.fedMonkeys).toBe(2); // remembered
    expect(results(engine.executeAction(alice, feed(1, 'a'), T0))[0].state.fedMonkeys).toBe(4); // forgotten: applied again
  });
});
