import { TopologyTestDriver, type KeyValue, type StreamRecord, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, MINUTE, SECOND } from '../support/market-time.js';
import {
  buildTopology,
  IDLE_TRADERS_TOPIC,
  LAST_ACTION_STORE,
  ORDERS_TOPIC,
  type IdleTraderAlert,
  type MarketOrder,
  type TraderKey,
} from './kata.js';

const ALICE: TraderKey = { team: 'BONOBO', name: 'alice' };
const BOB: TraderKey = { team: 'GIBBON', name: 'bob' };
const CAROL: TraderKey = { team: 'BONOBO', name: 'carol' };

describe('chapter 12 — timers and state cleanup', () => {
  let driver: TopologyTestDriver;
  let orders: TestInputTopic<TraderKey, MarketOrder>;
  let alerts: TestOutputTopic<TraderKey, IdleTraderAlert>;
  let txn = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology(), { initialWallClockTimeMs: afterOpening(0) });
    orders = driver.createInputTopic<TraderKey, MarketOrder>(ORDERS_TOPIC);
    alerts = driver.createOutputTopic<TraderKey, IdleTraderAlert>(IDLE_TRADERS_TOPIC);
    txn = 0;
  });
  afterEach(() => driver.close());

  /** An order of the trader `ms` after the opening (its record's timestamp): an action. */
  function act(trader: TraderKey, ms: number): void {
    orders.pipeInput(trader, { time: isoAt(afterOpening(ms)), txnId: `ord-${++txn}`, type: 'BUY', shares: 1 }, afterOpening(ms));
  }

  /** The alert for a trader whose last action was `lastMs` after the opening, noticed by the check at `checkMs`. */
  function alert(trader: TraderKey, lastMs: number, checkMs: number): StreamRecord<TraderKey, IdleTraderAlert> {
    return { key: trader, value: { lastActionAt: isoAt(afterOpening(lastMs)), idleForMs: checkMs - lastMs }, timestamp: afterOpening(checkMs) };
  }

  /** What the store holds: trader → last action, `ms` after the opening. */
  function lastActions(): KeyValue<TraderKey, number>[] {
    return [...driver.getKeyValueStore<TraderKey, number>(LAST_ACTION_STORE).all()].map(({ key, value }) => ({
      key,
      value: value - afterOpening(0),
    }));
  }

  it('alerts once on a trader without an action for 60 s, at the first check after, stamped with the check’s stream time', () => {
    act(ALICE, 0);
    act(BOB, 30 * SECOND);
    act(BOB, 61 * SECOND); // a check is due (every 10 s): alice has been idle 61 s
    act(BOB, 75 * SECOND); // the next check: alice was alerted already
    expect(alerts.readRecordsToList()).toEqual([alert(ALICE, 0, 61 * SECOND)]);
  });

  it('checks every 10 s of stream time, not at every order: a trader who turns idle between two checks is alerted at the next one', () => {
    act(ALICE, 3 * SECOND);
    act(BOB, 20 * SECOND);
    act(BOB, 62 * SECOND); // check at 1:02: alice idle 59 s, not yet
    act(BOB, 64 * SECOND); // alice idle 61 s, but no check is due before 1:10
    expect(alerts.readRecordsToList()).toEqual([]);
    act(BOB, 70 * SECOND); // the check of 1:10
    expect(alerts.readRecordsToList()).toEqual([alert(ALICE, 3 * SECOND, 70 * SECOND)]);
  });

  it('does not alert a trader who acted within the last 60 s: each action starts their 60 s again; exactly 60 s is idle', () => {
    act(ALICE, 0);
    act(ALICE, 50 * SECOND);
    act(BOB, 100 * SECOND); // check: alice idle 50 s
    act(BOB, 110 * SECOND); // check: alice idle 60 s
    expect(alerts.readRecordsToList()).toEqual([alert(ALICE, 50 * SECOND, 110 * SECOND)]);
  });

  it('deletes an idle trader from the store once alerted, and keeps the active ones', () => {
    act(ALICE, 0);
    act(CAROL, 5 * SECOND);
    act(BOB, 40 * SECOND);
    act(BOB, 66 * SECOND); // check: alice idle 66 s, carol 61 s, bob active
    expect({ alerts: alerts.readRecordsToList(), store: lastActions() }).toEqual({
      alerts: [alert(ALICE, 0, 66 * SECOND), alert(CAROL, 5 * SECOND, 66 * SECOND)],
      store: [{ key: BOB, value: 66 * SECOND }],
    });
  });

  it('alerts again on a trader who comes back and then goes idle again; an older order does not make them idle sooner', () => {
    act(ALICE, 0);
    act(BOB, 61 * SECOND); // check: alice alerted and forgotten
    act(ALICE, 62 * SECOND); // she is back
    act(ALICE, 30 * SECOND); // an order that arrives late: her last action is still 1:02
    act(BOB, 100 * SECOND); // check: alice idle 38 s
    act(BOB, 125 * SECOND); // check: alice idle 63 s
    expect(alerts.readRecordsToList()).toEqual([alert(ALICE, 0, 61 * SECOND), alert(ALICE, 62 * SECOND, 125 * SECOND)]);
  });

  it('follows stream time, not the wall clock: with no new orders, nobody is alerted and nothing is deleted', () => {
    act(ALICE, 0);
    driver.advanceWallClockTime(5 * MINUTE);
    expect({ alerts: alerts.readRecordsToList(), store: lastActions() }).toEqual({ alerts: [], store: [{ key: ALICE, value: 0 }] });
  });
});
