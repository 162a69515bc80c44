import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTopology,
  DEAD_LETTERS_TOPIC,
  ORDERS_TOPIC,
  RAW_ORDERS_TOPIC,
  RAW_TEXT,
  REJECTIONS_PER_FIELD_TOPIC,
  type MarketOrder,
  type RejectedOrder,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const ALICE_KEY = JSON.stringify(ALICE);

describe('chapter 09 — errors', () => {
  let driver: TopologyTestDriver;
  let raw: TestInputTopic<string | null, string | null>;
  let orders: TestOutputTopic<TraderKey, MarketOrder>;
  let deadLetters: TestOutputTopic<string, RejectedOrder>;
  let rejections: TestOutputTopic<string, number>;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    raw = driver.createInputTopic(RAW_ORDERS_TOPIC, RAW_TEXT);
    orders = driver.createOutputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    deadLetters = driver.createOutputTopic<string, RejectedOrder>(DEAD_LETTERS_TOPIC);
    rejections = driver.createOutputTopic<string, number>(REJECTIONS_PER_FIELD_TOPIC);
  });
  afterEach(() => driver.close());

  /** Both output topics at once, so that a failure shows what went where. */
  function written(): { orders: KeyValue<TraderKey, MarketOrder>[]; deadLetters: KeyValue<string, RejectedOrder>[] } {
    return { orders: orders.readKeyValuesToList(), deadLetters: deadLetters.readKeyValuesToList() };
  }

  it('sends a message that parses to the orders topic, decoded and keyed by its trader', () => {
    raw.pipeInput(ALICE_KEY, '{"txnId":"t1","type":"BUY","shares":2,"comment":"unknown fields are ignored"}');
    expect(written()).toEqual({ orders: [{ key: ALICE, value: { txnId: 't1', type: 'BUY', shares: 2 } }], deadLetters: [] });
  });

  it('sends an order with a wrong field to the dead letters, as it arrived, with the field and the reason', () => {
    const value = '{"txnId":"t2","type":"BUY","shares":0}';
    raw.pipeInput(ALICE_KEY, value);
    expect(written()).toEqual({
      orders: [],
      deadLetters: [{ key: 'GNOU', value: { key: ALICE_KEY, value, field: 'shares', reason: 'shares: expected at least 1 share, got 0' } }],
    });
  });

  it('rejects what is not even an order: no JSON, no value, no key, a bad team name', () => {
    const order = '{"txnId":"t3","type":"SELL","shares":1}';
    const badTeam = '{"team":"bad team!","name":"alice"}';
    raw.pipeInput(ALICE_KEY, 'SELL 1 please');
    raw.pipeInput(ALICE_KEY, null);
    raw.pipeInput(null, order);
    raw.pipeInput(badTeam, order);
    expect(written()).toEqual({
      orders: [],
      deadLetters: [
        { key: 'GNOU', value: { key: ALICE_KEY, value: 'SELL 1 please', field: '(value)', reason: expect.stringContaining('valid JSON') } },
        { key: 'GNOU', value: { key: ALICE_KEY, value: null, field: '(value)', reason: expect.stringContaining('got nothing') } },
        { key: 'GNOU', value: { key: null, value: order, field: 'key', reason: expect.stringContaining('got nothing') } },
        { key: 'GNOU', value: { key: badTeam, value: order, field: 'key.team', reason: expect.stringContaining('expected 1-32 characters') } },
      ],
    });
  });

  it('counts the rejections per field, and keeps going after each bad message', () => {
    const good = (txnId: string) => JSON.stringify({ txnId, type: 'BUY', shares: 1 });
    raw.pipeInput(ALICE_KEY, '{"txnId":"b1","type":"BUY","shares":-1}');
    raw.pipeInput(ALICE_KEY, good('g1'));
    raw.pipeInput(ALICE_KEY, 'oops');
    raw.pipeInput(ALICE_KEY, '{"txnId":"b2","type":"BUY","shares":1.5}');
    raw.pipeInput(ALICE_KEY, good('g2'));

    expect({ orders: orders.readKeyValuesToList(), rejections: rejections.readKeyValuesToList() }).toEqual({
      orders: [
        { key: ALICE, value: { txnId: 'g1', type: 'BUY', shares: 1 } },
        { key: ALICE, value: { txnId: 'g2', type: 'BUY', shares: 1 } },
      ],
      rejections: [
        { key: 'shares', value: 1 },
        { key: '(value)', value: 1 },
        { key: 'shares', value: 2 },
      ],
    });
  });
});
