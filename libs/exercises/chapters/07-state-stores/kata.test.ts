import { DEFAULT_RULES, forecastOf, nextEma } from '@banana-market/engine';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  BAILOUT_WARNINGS_TOPIC,
  buildTopology,
  DANGER_STORE,
  EMA_FACTOR,
  EMA_STORE,
  FORECASTS_TOPIC,
  PRICES_TOPIC,
  TRADER_STATES_TOPIC,
  traderId,
  type BailoutWarning,
  type Forecast,
  type SharePrice,
  type TraderKey,
  type TraderState,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 07 — state stores', () => {
  let driver: TopologyTestDriver;
  let prices: TestInputTopic<string, SharePrice>;
  let states: TestInputTopic<TraderKey, TraderState>;
  let forecasts: TestOutputTopic<string, Forecast>;
  let warnings: TestOutputTopic<TraderKey, BailoutWarning>;
  let seconds = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    prices = driver.createInputTopic<string, SharePrice>(PRICES_TOPIC);
    states = driver.createInputTopic<TraderKey, TraderState>(TRADER_STATES_TOPIC);
    forecasts = driver.createOutputTopic<string, Forecast>(FORECASTS_TOPIC);
    warnings = driver.createOutputTopic<TraderKey, BailoutWarning>(BAILOUT_WARNINGS_TOPIC);
    seconds = 0;
  });
  afterEach(() => driver.close());

  /** A price a second after the last record; returns its time. */
  function pipePrice(coins: number): string {
    const timestamp = afterOpening(++seconds * SECOND);
    prices.pipeInput('GNOU', { time: isoAt(timestamp), coins, forecast: 1 }, timestamp);
    return isoAt(timestamp);
  }

  function pipeState(trader: TraderKey, coins: number, shares: number, inFlightInvestments = 0): TraderState {
    const timestamp = afterOpening(++seconds * SECOND);
    const state = { time: isoAt(timestamp), coins, shares, bailouts: 0, fedMonkeys: 0, inFlightInvestments };
    states.pipeInput(trader, state, timestamp);
    return state;
  }

  /** The warning a trader's state should send. */
  function warningFor(state: TraderState): BailoutWarning {
    return { time: state.time, coins: state.coins, shares: state.shares };
  }

  /** A forecast whose EMA and forecast may differ from these in the 12th decimal. */
  function forecastCloseTo(time: string, coins: number, ema: number, forecast: number): Forecast {
    return { time, coins, ema: expect.closeTo(ema, 12), forecast: expect.closeTo(forecast, 12) };
  }

  describe('the EMA forecast', () => {
    it('starts the EMA at the first price, so the first forecast is 1', () => {
      const time = pipePrice(2);
      expect(forecasts.readKeyValuesToList()).toEqual([{ key: 'GNOU', value: { time, coins: 2, ema: 2, forecast: 1 } }]);
    });

    it('moves the EMA EMA_FACTOR of the way to each new price and remembers it in the store', () => {
      const times = [1, 2, 1].map(pipePrice);
      // EMA 1 → 1 + f × (2 − 1) → that + f × (1 − that), with f = EMA_FACTOR (the game's own)
      const second = 1 + EMA_FACTOR;
      const third = second + EMA_FACTOR * (1 - second);
      expect(forecasts.readKeyValuesToList()).toEqual([
        { key: 'GNOU', value: forecastCloseTo(times[0], 1, 1, 1) },
        { key: 'GNOU', value: forecastCloseTo(times[1], 2, second, second / 2) },
        { key: 'GNOU', value: forecastCloseTo(times[2], 1, third, third) },
      ]);
      expect([...driver.getKeyValueStore<string, number>(EMA_STORE).all()]).toEqual([{ key: 'GNOU', value: expect.closeTo(third, 12) }]);
    });

    it('forecasts like the game, EMA ÷ price with the game’s EMA, price after price', () => {
      const walk = [1, 1.02, 0.99, 1.05, 1.1, 1.07, 0.95, 0.9, 0.97, 1.01];
      const times = walk.map(pipePrice);
      const expected: Forecast[] = [];
      let ema: number | undefined;
      walk.forEach((price, i) => {
        ema = ema === undefined ? price : nextEma(ema, price, DEFAULT_RULES);
        expected.push(forecastCloseTo(times[i], price, ema, forecastOf(ema, price)));
      });
      expect(forecasts.readValuesToList()).toEqual(expected);
    });
  });

  describe('the bailout warning', () => {
    it('warns once when a trader gets one share away from a bailout, not again while they stay there', () => {
      pipeState(ALICE, 10, 5);
      const entering = pipeState(ALICE, 2.5, 1);
      pipeState(ALICE, 2, 1);
      expect(warnings.readKeyValuesToList()).toEqual([{ key: ALICE, value: warningFor(entering) }]);
      expect([...driver.getKeyValueStore<string, boolean>(DANGER_STORE).all()]).toEqual([{ key: traderId(ALICE), value: true }]);
    });

    it('warns again after the trader has left the danger zone and comes back', () => {
      const entering = pipeState(ALICE, 2.5, 1);
      pipeState(ALICE, 12, 6); // bailed out, or lucky: safe again
      const back = pipeState(ALICE, 2.9, 1);
      expect(warnings.readKeyValuesToList()).toEqual([
        { key: ALICE, value: warningFor(entering) },
        { key: ALICE, value: warningFor(back) },
      ]);
    });

    it('does not warn a trader with an investment in flight (its return will come), and watches each trader apart', () => {
      pipeState(ALICE, 1, 0, 1);
      const bob = pipeState(BOB, 3, 1);
      const alice = pipeState(ALICE, 3, 1);
      pipeState(BOB, 3.01, 0); // more than 3 coins: safe
      expect(warnings.readKeyValuesToList()).toEqual([
        { key: BOB, value: warningFor(bob) },
        { key: ALICE, value: warningFor(alice) },
      ]);
    });
  });
});
