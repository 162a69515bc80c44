import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import { buildTopology, MY_TRADER, ORDERS_TOPIC, PRICES_TOPIC, SHARES_PER_ORDER, type MarketOrder, type SharePrice, type TraderKey } from './kata.js';

describe('chapter 00 — a first app', () => {
  let driver: TopologyTestDriver;
  let prices: TestInputTopic<string, SharePrice>;
  let orders: TestOutputTopic<TraderKey, MarketOrder>;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    prices = driver.createInputTopic<string, SharePrice>(PRICES_TOPIC);
    orders = driver.createOutputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
  });
  afterEach(() => driver.close());

  /** A price `seconds` after the opening; the coins do not matter to this app. */
  function pipePrice(seconds: number, forecast: number): string {
    const timestamp = afterOpening(seconds * SECOND);
    prices.pipeInput('GNOU', { time: isoAt(timestamp), coins: 1.25, forecast }, timestamp);
    return isoAt(timestamp);
  }

  /** The order a price at `time` should send. */
  function orderAt(time: string, type: 'BUY' | 'SELL'): MarketOrder {
    return { time, txnId: `forecast-${time}`, type, shares: SHARES_PER_ORDER };
  }

  it('buys when the forecast is above 1 (the price should rise)', () => {
    const time = pipePrice(1, 1.05);
    expect(orders.readKeyValuesToList()).toEqual([{ key: MY_TRADER, value: orderAt(time, 'BUY') }]);
  });

  it('sells when the forecast is below 1 (the price should fall)', () => {
    const time = pipePrice(1, 0.97);
    expect(orders.readKeyValuesToList()).toEqual([{ key: MY_TRADER, value: orderAt(time, 'SELL') }]);
  });

  it('sends nothing when the forecast is exactly 1', () => {
    pipePrice(1, 1);
    expect(orders.readKeyValuesToList()).toEqual([]);
  });

  it('sends one order per price, in the prices’ order, each at its price’s timestamp', () => {
    const [first, , third, fourth] = [1.01, 1, 0.99, 1.2].map((forecast, i) => pipePrice(i + 1, forecast));
    // The price at 2 s (forecast exactly 1) sends nothing.
    expect(orders.readRecordsToList()).toEqual([
      { key: MY_TRADER, value: orderAt(first, 'BUY'), timestamp: Date.parse(first) },
      { key: MY_TRADER, value: orderAt(third, 'SELL'), timestamp: Date.parse(third) },
      { key: MY_TRADER, value: orderAt(fourth, 'BUY'), timestamp: Date.parse(fourth) },
    ]);
  });
});
