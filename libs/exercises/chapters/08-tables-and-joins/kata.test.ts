import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  ORDER_VALUES_TOPIC,
  ORDERS_TOPIC,
  PRICES_TOPIC,
  type MarketOrder,
  type OrderValue,
  type SharePrice,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 08 — tables and joins', () => {
  let driver: TopologyTestDriver;
  let prices: TestInputTopic<string, SharePrice>;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let values: TestOutputTopic<TraderKey, OrderValue>;
  let seconds = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    prices = driver.createInputTopic<string, SharePrice>(PRICES_TOPIC);
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    values = driver.createOutputTopic<TraderKey, OrderValue>(ORDER_VALUES_TOPIC);
    seconds = 0;
  });
  afterEach(() => driver.close());

  function pipePrice(coins: number): void {
    const timestamp = afterOpening(++seconds * SECOND);
    prices.pipeInput('GNOU', { time: isoAt(timestamp), coins, forecast: 1 }, timestamp);
  }

  function pipeOrder(trader: TraderKey, type: 'BUY' | 'SELL', shares: number): string {
    const timestamp = afterOpening(++seconds * SECOND);
    const txnId = `o-${seconds}`;
    orders.pipeInput(trader, { time: isoAt(timestamp), txnId, type, shares }, timestamp);
    return txnId;
  }

  function valued(
    trader: TraderKey,
    txnId: string,
    type: 'BUY' | 'SELL',
    shares: number,
    price: number,
    coins: number,
  ): KeyValue<TraderKey, OrderValue> {
    return { key: trader, value: { txnId, type, shares, price, coins } };
  }

  it('values an order at the latest price, keyed by its trader', () => {
    pipePrice(1.5);
    const txnId = pipeOrder(ALICE, 'BUY', 2);
    expect(values.readKeyValuesToList()).toEqual([valued(ALICE, txnId, 'BUY', 2, 1.5, 3)]);
  });

  it('uses the price of the moment the order comes in; a new price does not revalue older orders', () => {
    pipePrice(1.5);
    const alices = pipeOrder(ALICE, 'BUY', 2);
    expect(values.readKeyValuesToList()).toEqual([valued(ALICE, alices, 'BUY', 2, 1.5, 3)]);
    pipePrice(2);
    expect(values.readKeyValuesToList()).toEqual([]); // the new price alone sends nothing
    const bobs = pipeOrder(BOB, 'SELL', 3);
    expect(values.readKeyValuesToList()).toEqual([valued(BOB, bobs, 'SELL', 3, 2, 6)]);
  });

  it('drops orders that come before any price: there is nothing to join them with', () => {
    pipeOrder(ALICE, 'BUY', 1);
    pipePrice(1.25);
    expect(values.readKeyValuesToList()).toEqual([]);
    const txnId = pipeOrder(ALICE, 'BUY', 4);
    expect(values.readKeyValuesToList()).toEqual([valued(ALICE, txnId, 'BUY', 4, 1.25, 5)]);
  });

  it('rounds the value with roundCoins: 3 × 1.1 is 3.3, not 3.3000000000000003', () => {
    pipePrice(1.1);
    const txnId = pipeOrder(BOB, 'SELL', 3);
    expect(values.readKeyValuesToList()).toEqual([valued(BOB, txnId, 'SELL', 3, 1.1, 3.3)]);
  });
});
