import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
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

  /** The order a text should become. */
  function orderOf(text: OrderText, type: 'BUY' | 'SELL', shares: number): MarketOrder {
    return { time: text.time, txnId: text.txnId, type, shares };
  }

  /** Both output topics at once, so that a failure shows what went where. */
  function written(): { orders: KeyValue<TraderKey, MarketOrder>[]; unreadable: KeyValue<TraderKey, OrderText>[] } {
    return { orders: orders.readKeyValuesToList(), unreadable: unreadable.readKeyValuesToList() };
  }

  it('turns "BUY 3" and " sell 2 " into market orders with the text’s key, time and txnId', () => {
    const buy = type(ALICE, 'BUY 3');
    const sell = type(ALICE, ' sell 2 ');
    expect(written()).toEqual({
      orders: [
        { key: ALICE, value: orderOf(buy, 'BUY', 3) },
        { key: ALICE, value: orderOf(sell, 'SELL', 2) },
      ],
      unreadable: [],
    });
  });

  it(`caps buys at ${MAX_SHARES_PER_BUY} shares but lets sells through as typed`, () => {
    const bigBuy = type(ALICE, `BUY ${MAX_SHARES_PER_BUY + 7}`);
    const bigSell = type(ALICE, `SELL ${MAX_SHARES_PER_BUY + 7}`);
    const maxBuy = type(ALICE, `BUY ${MAX_SHARES_PER_BUY}`);
    expect(orders.readKeyValuesToList()).toEqual([
      { key: ALICE, value: orderOf(bigBuy, 'BUY', MAX_SHARES_PER_BUY) },
      { key: ALICE, value: orderOf(bigSell, 'SELL', MAX_SHARES_PER_BUY + 7) },
      { key: ALICE, value: orderOf(maxBuy, 'BUY', MAX_SHARES_PER_BUY) },
    ]);
  });

  it('sends texts that are not an order to the unreadable topic, unchanged, and no order', () => {
    const notOrders = ['FEED 3', 'BUY', 'BUY 0', 'buy three', 'SELL -2', 'BUY 2 bananas'].map((text) => type(BOB, text));
    expect(written()).toEqual({ orders: [], unreadable: notOrders.map((value) => ({ key: BOB, value })) });
  });

  it('merges buys and sells back in the order they were typed, each with its trader', () => {
    const aliceBuys = type(ALICE, 'BUY 1');
    const bobSells = type(BOB, 'SELL 4');
    const hello = type(BOB, 'hello');
    const aliceSells = type(ALICE, 'SELL 1');
    const bobBuys = type(BOB, 'buy 2');
    expect(written()).toEqual({
      orders: [
        { key: ALICE, value: orderOf(aliceBuys, 'BUY', 1) },
        { key: BOB, value: orderOf(bobSells, 'SELL', 4) },
        { key: ALICE, value: orderOf(aliceSells, 'SELL', 1) },
        { key: BOB, value: orderOf(bobBuys, 'BUY', 2) },
      ],
      unreadable: [{ key: BOB, value: hello }],
    });
  });
});
