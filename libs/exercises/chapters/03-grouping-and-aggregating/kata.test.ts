import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  GIBBS_TOPIC,
  HYPE_PER_WORD_TOPIC,
  INVESTED_PER_TRADER_TOPIC,
  INVESTMENTS_TOPIC,
  type Gibb,
  type InvestmentOrder,
  type TraderInvestments,
  type TraderKey,
  type WordHype,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'BONOBO', name: 'bob' };
const OTHER_ALICE: TraderKey = { team: 'GIBBON', name: 'alice' };

describe('chapter 03 — grouping and aggregating', () => {
  let driver: TopologyTestDriver;
  let gibbs: TestInputTopic<string, Gibb>;
  let investments: TestInputTopic<TraderKey, InvestmentOrder>;
  let hypePerWord: TestOutputTopic<string, WordHype>;
  let investedPerTrader: TestOutputTopic<TraderKey, TraderInvestments>;
  let seconds = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    gibbs = driver.createInputTopic<string, Gibb>(GIBBS_TOPIC);
    investments = driver.createInputTopic<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);
    hypePerWord = driver.createOutputTopic<string, WordHype>(HYPE_PER_WORD_TOPIC);
    investedPerTrader = driver.createOutputTopic<TraderKey, TraderInvestments>(INVESTED_PER_TRADER_TOPIC);
    seconds = 0;
  });
  afterEach(() => driver.close());

  function pipeGibb(text: string): void {
    const timestamp = afterOpening(++seconds * SECOND);
    gibbs.pipeInput('GNOU', { id: `g${seconds}`, time: isoAt(timestamp), text }, timestamp);
  }

  function invest(trader: TraderKey, invested: number): void {
    const timestamp = afterOpening(++seconds * SECOND);
    investments.pipeInput(trader, { time: isoAt(timestamp), txnId: `inv-${seconds}`, invested }, timestamp);
  }

  it('keeps a running total per hype word: one update per mention, keyed by the word', () => {
    pipeGibb('banana is great, great!');
    pipeGibb('#MKTD: great');
    expect(hypePerWord.readKeyValuesToList()).toEqual([
      { key: 'great', value: { mentions: 1, hype: 0.01 } },
      { key: 'great', value: { mentions: 2, hype: 0.02 } },
      { key: 'mktd', value: { mentions: 1, hype: 0.01 } },
      { key: 'great', value: { mentions: 3, hype: 0.03 } },
    ]);
  });

  it('counts negative words down, each word on its own', () => {
    pipeGibb('banana bubble, sell');
    pipeGibb('banana bubble burst');
    expect(hypePerWord.readKeyValuesToList()).toEqual([
      { key: 'bubble', value: { mentions: 1, hype: -0.01 } },
      { key: 'sell', value: { mentions: 1, hype: -0.01 } },
      { key: 'bubble', value: { mentions: 2, hype: -0.02 } },
      { key: 'burst', value: { mentions: 1, hype: -0.01 } },
    ]);
  });

  it('leaves out gibbs that are not about the market and words that are not hype words', () => {
    pipeGibb('great great great weather');
    pipeGibb('bananas for everyone');
    expect(hypePerWord.readKeyValuesToList()).toEqual([]);
  });

  it('keeps a running investment total per trader: one update per order, keyed by the trader', () => {
    invest(ALICE, 2.5);
    invest(BOB, 1);
    invest(ALICE, 1.25);
    expect(investedPerTrader.readKeyValuesToList()).toEqual([
      { key: ALICE, value: { orders: 1, invested: 2.5 } },
      { key: BOB, value: { orders: 1, invested: 1 } },
      { key: ALICE, value: { orders: 2, invested: 3.75 } },
    ]);
  });

  it('tells traders apart by team and name, and rounds the totals with roundCoins (0.1 + 0.2 is 0.3)', () => {
    invest(ALICE, 0.1);
    invest(OTHER_ALICE, 5);
    invest(ALICE, 0.2);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: roundCoins keeps it 0.3.
    expect(investedPerTrader.readKeyValuesToList()).toEqual([
      { key: ALICE, value: { orders: 1, invested: 0.1 } },
      { key: OTHER_ALICE, value: { orders: 1, invested: 5 } },
      { key: ALICE, value: { orders: 2, invested: 0.3 } },
    ]);
  });
});
