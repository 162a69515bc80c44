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

  it('buys when the forecast is above 1 (the price should rise)', () => {
    const time = pipePrice(1, 1.05);
    expect(orders.readKeyValuesToList()).toEqual([
      { key: MY_TRADER, value: { time, txnId: `forecast-${time}`, type: 'BUY', shares: SHARES_PER_ORDER } },
    ]);
  });

  it('sells when the forecast is below 1 (the price should fall)', () => {
    const time = pipePrice(1, 0.97);
    expect(orders.readKeyValuesToList()).toEqual([
      { key: MY_TRADER, value: { time, txnId: `forecast-${time}`, type: 'SELL', shares: SHARES_PER_ORDER } },
    ]);
  });

  it('sends nothing when the forecast is exactly 1', () => {
    pipePrice(1, 1);
    expect(orders.isEmpty()).toBe(true);
  });

  it('sends one order per price, in the prices’ order and at their timestamps', () => {
    const forecasts = [1.01, 1, 0.99, 1.2];
    forecasts.forEach((forecast, i) => pipePrice(i + 1, forecast));

    const sent = orders.readRecordsToList();
    // The price at 2 s (forecast exactly 1) sends nothing.
    expect(sent.map((r) => r.value.type)).toEqual(['BUY', 'SELL', 'BUY']);
    expect(sent.map((r) => r.timestamp)).toEqual([1, 3, 4].map((s) => afterOpening(s * SECOND)));
    expect(new Set(sent.map((r) => r.value.txnId)).size).toBe(3);
  });
});
