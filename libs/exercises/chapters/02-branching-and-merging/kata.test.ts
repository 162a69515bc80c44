import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  MAX_SHARES_PER_BUY,
  ORDER_TEXTS_TOPIC,
  ORDERS_TOPIC,
  UNREADABLE_TOPIC,
  type MarketOrder,
  type OrderText,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 02 — branching and merging', () => {
  let driver: TopologyTestDriver;
  let texts: TestInputTopic<TraderKey, OrderText>;
  let orders: TestOutputTopic<TraderKey, MarketOrder>;
  let unreadable: TestOutputTopic<TraderKey, OrderText>;
  let sent = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    texts = driver.createInputTopic<TraderKey, OrderText>(ORDER_TEXTS_TOPIC);
    orders = driver.createOutputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    unreadable = driver.createOutputTopic<TraderKey, OrderText>(UNREADABLE_TOPIC);
    sent = 0;
  });
  afterEach(() => driver.close());

  function type(trader: TraderKey, text: string): OrderText {
    const timestamp = afterOpening(++sent * SECOND);
    const orderText = { time: isoAt(timestamp), txnId: `chat-${sent}`, text };
    texts.pipeInput(trader, orderText, timestamp);
    return orderText;
  }

  it('turns "BUY 3" and " sell 2 " into market orders with the text’s key, time and txnId', () => {
    const buy = type(ALICE, 'BUY 3');
    const sell = type(ALICE, ' sell 2 ');
    expect(orders.readKeyValuesToList()).toEqual([
      { key: ALICE, value: { time: buy.time, txnId: buy.txnId, type: 'BUY', shares: 3 } },
      { key: ALICE, value: { time: sell.time, txnId: sell.txnId, type: 'SELL', shares: 2 } },
    ]);
    expect(unreadable.isEmpty()).toBe(true);
  });

  it(`caps buys at ${MAX_SHARES_PER_BUY} shares but lets sells through as typed`, () => {
    type(ALICE, `BUY ${MAX_SHARES_PER_BUY + 7}`);
    type(ALICE, `SELL ${MAX_SHARES_PER_BUY + 7}`);
    type(ALICE, `BUY ${MAX_SHARES_PER_BUY}`);
    expect(orders.readValuesToList().map((o) => `${o.type} ${o.shares}`)).toEqual([
      `BUY ${MAX_SHARES_PER_BUY}`,
      `SELL ${MAX_SHARES_PER_BUY + 7}`,
      `BUY ${MAX_SHARES_PER_BUY}`,
    ]);
  });

  it('sends texts that are not an order to the unreadable topic, unchanged, and no order', () => {
    const notOrders = ['FEED 3', 'BUY', 'BUY 0', 'buy three', 'SELL -2', 'BUY 2 bananas'].map((text) => type(BOB, text));
    expect(unreadable.readKeyValuesToList()).toEqual(notOrders.map((value) => ({ key: BOB, value })));
    expect(orders.isEmpty()).toBe(true);
  });

  it('merges buys and sells back in the order they were typed, each with its trader', () => {
    type(ALICE, 'BUY 1');
    type(BOB, 'SELL 4');
    type(BOB, 'hello');
    type(ALICE, 'SELL 1');
    type(BOB, 'buy 2');
    expect(orders.readKeyValuesToList().map(({ key, value }) => `${key.name} ${value.type} ${value.shares}`)).toEqual([
      'alice BUY 1',
      'bob SELL 4',
      'alice SELL 1',
      'bob BUY 2',
    ]);
    expect(unreadable.getQueueSize()).toBe(1);
  });
});
