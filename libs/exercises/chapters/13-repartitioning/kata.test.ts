import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt } from '../support/market-time.js';
import {
  buildTopology,
  ORDERS_BY_TEAM,
  ORDERS_TOPIC,
  OVERSIZED_ORDERS_TOPIC,
  TEAM_LIMITS_TOPIC,
  type MarketOrder,
  type OversizedOrder,
  type TeamLimit,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const ANNA: TraderKey = { team: 'BONOBO', name: 'anna' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

describe('chapter 13 — repartitioning', () => {
  let driver: TopologyTestDriver;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let limits: TestInputTopic<string, TeamLimit | null>;
  let oversized: TestOutputTopic<string, OversizedOrder>;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    limits = driver.createInputTopic<string, TeamLimit | null>(TEAM_LIMITS_TOPIC);
    oversized = driver.createOutputTopic<string, OversizedOrder>(OVERSIZED_ORDERS_TOPIC);
  });
  afterEach(() => driver.close());

  /** A market order of `shares` that reaches Kafka `ms` after the opening. */
  function order(trader: TraderKey, txnId: string, shares: number, ms: number): void {
    orders.pipeInput(trader, { time: isoAt(afterOpening(ms)), txnId, type: 'BUY', shares }, afterOpening(ms));
  }

  it('re-keys the orders by team through the repartition topic named ORDERS_BY_TEAM, and through no other', () => {
    expect(buildTopology().repartitionTopics).toEqual([`${ORDERS_BY_TEAM}-repartition`]);
  });

  it('flags an order above its team’s limit, keyed by the team, with the trader’s name, at the order’s time', () => {
    limits.pipeInput('BONOBO', { maxSharesPerOrder: 5 }, afterOpening(0));
    order(ALICE, 'ord-1', 7, 1000);
    expect(oversized.readRecordsToList()).toEqual([
      { key: 'BONOBO', value: { name: 'alice', txnId: 'ord-1', type: 'BUY', shares: 7, maxSharesPerOrder: 5 }, timestamp: afterOpening(1000) },
    ]);
  });

  it('lets through an order at or under the limit, and every order of a team with no limit (an inner join)', () => {
    limits.pipeInput('BONOBO', { maxSharesPerOrder: 5 }, afterOpening(0));
    order(ALICE, 'ord-1', 5, 1000); // at the limit: fine
    order(BOB, 'ord-2', 50, 2000); // GIBBON has no limit
    order(ANNA, 'ord-3', 6, 3000);
    expect(oversized.readKeyValuesToList()).toEqual([
      { key: 'BONOBO', value: { name: 'anna', txnId: 'ord-3', type: 'BUY', shares: 6, maxSharesPerOrder: 5 } },
    ]);
  });

  it('holds every trader of a team to the team’s one limit, and each team to its own', () => {
    limits.pipeInput('BONOBO', { maxSharesPerOrder: 5 }, afterOpening(0));
    limits.pipeInput('GIBBON', { maxSharesPerOrder: 20 }, afterOpening(0));
    order(ALICE, 'ord-1', 8, 1000);
    order(ANNA, 'ord-2', 9, 2000);
    order(BOB, 'ord-3', 9, 3000);
    expect(oversized.readKeyValuesToList()).toEqual([
      { key: 'BONOBO', value: { name: 'alice', txnId: 'ord-1', type: 'BUY', shares: 8, maxSharesPerOrder: 5 } },
      { key: 'BONOBO', value: { name: 'anna', txnId: 'ord-2', type: 'BUY', shares: 9, maxSharesPerOrder: 5 } },
    ]);
  });

  it('uses the limit as it is when the order comes: a new limit applies to later orders only, and a tombstone lifts it', () => {
    limits.pipeInput('BONOBO', { maxSharesPerOrder: 5 }, afterOpening(0));
    order(ALICE, 'ord-1', 8, 1000);
    limits.pipeInput('BONOBO', { maxSharesPerOrder: 10 }, afterOpening(2000));
    order(ALICE, 'ord-2', 8, 3000);
    order(ALICE, 'ord-3', 11, 4000);
    limits.pipeInput('BONOBO', null, afterOpening(5000));
    order(ALICE, 'ord-4', 99, 6000);
    expect(oversized.readRecordsToList()).toEqual([
      { key: 'BONOBO', value: { name: 'alice', txnId: 'ord-1', type: 'BUY', shares: 8, maxSharesPerOrder: 5 }, timestamp: afterOpening(1000) },
      { key: 'BONOBO', value: { name: 'alice', txnId: 'ord-3', type: 'BUY', shares: 11, maxSharesPerOrder: 10 }, timestamp: afterOpening(4000) },
    ]);
  });
});
