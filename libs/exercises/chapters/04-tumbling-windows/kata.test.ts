import { TopologyTestDriver, type KeyValue, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt } from '../support/market-time.js';
import {
  buildTopology,
  COMBINED_INVESTMENTS_TOPIC,
  GRACE_MS,
  INVESTMENTS_TOPIC,
  WINDOW_SIZE_MS,
  type CombinedInvestment,
  type InvestmentOrder,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };

/** The n-th window since the opening (the opening is on a round minute, so windows start there). */
function nthWindow(n: number): { windowStart: string; windowEnd: string } {
  return { windowStart: isoAt(afterOpening(n * WINDOW_SIZE_MS)), windowEnd: isoAt(afterOpening((n + 1) * WINDOW_SIZE_MS)) };
}

/** Windows closing together may come out in any order: compare them sorted by window, then trader. */
function sorted(results: KeyValue<TraderKey, CombinedInvestment>[]): KeyValue<TraderKey, CombinedInvestment>[] {
  const order = (r: KeyValue<TraderKey, CombinedInvestment>) => `${r.value.windowStart} ${r.key.team}/${r.key.name}`;
  return [...results].sort((a, b) => order(a).localeCompare(order(b)));
}

describe('chapter 04 — tumbling windows', () => {
  let driver: TopologyTestDriver;
  let investments: TestInputTopic<TraderKey, InvestmentOrder>;
  let combined: TestOutputTopic<TraderKey, CombinedInvestment>;
  let txn = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    investments = driver.createInputTopic<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);
    combined = driver.createOutputTopic<TraderKey, CombinedInvestment>(COMBINED_INVESTMENTS_TOPIC);
    txn = 0;
  });
  afterEach(() => driver.close());

  /** An investment `ms` after the opening (its event time). */
  function invest(trader: TraderKey, ms: number, invested: number): void {
    const timestamp = afterOpening(ms);
    investments.pipeInput(trader, { time: isoAt(timestamp), txnId: `inv-${++txn}`, invested }, timestamp);
  }

  it('combines a trader’s orders of one window into one result, sent only once the window has closed', () => {
    invest(ALICE, 500, 2);
    invest(ALICE, 4_900, 3);
    expect(combined.readKeyValuesToList()).toEqual([]); // the window [0 s, 5 s) is still open

    // Stream time reaches the end of the window plus the grace: it closes, whoever's order moved the time.
    invest(BOB, WINDOW_SIZE_MS + GRACE_MS, 1);
    expect(combined.readKeyValuesToList()).toEqual([{ key: ALICE, value: { ...nthWindow(0), orders: 2, invested: 5 } }]);
  });

  it('puts an order at exactly 5 s in the next window (windows are [start, end))', () => {
    invest(ALICE, WINDOW_SIZE_MS - 1, 1);
    invest(ALICE, WINDOW_SIZE_MS, 2);
    invest(BOB, 2 * WINDOW_SIZE_MS + GRACE_MS, 1); // closes the first two windows, not Bob's own
    expect(sorted(combined.readKeyValuesToList())).toEqual([
      { key: ALICE, value: { ...nthWindow(0), orders: 1, invested: 1 } },
      { key: ALICE, value: { ...nthWindow(1), orders: 1, invested: 2 } },
    ]);
  });

  it('still counts an order that arrives late but within the grace period', () => {
    invest(ALICE, 1_000, 1);
    invest(BOB, WINDOW_SIZE_MS + GRACE_MS - 1, 4); // stream time 5.999 s: [0 s, 5 s) is over but in its grace
    invest(ALICE, 4_000, 2); // out of order, yet within the grace
    invest(BOB, WINDOW_SIZE_MS + GRACE_MS, 8);
    expect(sorted(combined.readKeyValuesToList())).toEqual([{ key: ALICE, value: { ...nthWindow(0), orders: 2, invested: 3 } }]);
  });

  it('drops an order that arrives after its window has closed, and counts it as dropped', () => {
    invest(ALICE, 1_000, 1);
    invest(BOB, WINDOW_SIZE_MS + GRACE_MS, 4); // closes [0 s, 5 s): Alice's result goes out
    invest(ALICE, 4_500, 7); // too late for [0 s, 5 s)
    invest(BOB, 3 * WINDOW_SIZE_MS, 1); // closes [5 s, 10 s)

    expect({ results: sorted(combined.readKeyValuesToList()), droppedRecords: driver.droppedRecords() }).toEqual({
      results: [
        { key: ALICE, value: { ...nthWindow(0), orders: 1, invested: 1 } },
        { key: BOB, value: { ...nthWindow(1), orders: 1, invested: 4 } },
      ],
      droppedRecords: 1,
    });
  });

  it('keeps traders apart within the same window, and rounds the coins with roundCoins (0.1 + 0.2 is 0.3)', () => {
    invest(ALICE, 100, 0.1);
    invest(BOB, 200, 2.5);
    invest(ALICE, 300, 0.2);
    invest(BOB, 10 * WINDOW_SIZE_MS, 1);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: roundCoins keeps it 0.3.
    expect(sorted(combined.readKeyValuesToList())).toEqual([
      { key: ALICE, value: { ...nthWindow(0), orders: 2, invested: 0.3 } },
      { key: BOB, value: { ...nthWindow(0), orders: 1, invested: 2.5 } },
    ]);
  });
});
