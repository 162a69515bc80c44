import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, MINUTE, SECOND } from '../support/market-time.js';
import {
  ALERT_THRESHOLD,
  ALERT_WINDOW_MS,
  AVERAGE_ADVANCE_MS,
  AVERAGE_WINDOW_MS,
  buildTopology,
  MOVING_AVERAGES_TOPIC,
  PRICE_ALERTS_TOPIC,
  PRICES_TOPIC,
  type MovingAverage,
  type PriceAlert,
  type SharePrice,
} from './kata.js';

/** The hopping window starting `ms` after the opening. */
function windowFrom(ms: number): { windowStart: string; windowEnd: string } {
  return { windowStart: isoAt(afterOpening(ms)), windowEnd: isoAt(afterOpening(ms + AVERAGE_WINDOW_MS)) };
}

function byWindowStart(averages: MovingAverage[]): MovingAverage[] {
  return [...averages].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
}

describe('chapter 05 — hopping and sliding windows', () => {
  let driver: TopologyTestDriver;
  let prices: TestInputTopic<string, SharePrice>;
  let averages: TestOutputTopic<string, MovingAverage>;
  let alerts: TestOutputTopic<string, PriceAlert>;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    prices = driver.createInputTopic<string, SharePrice>(PRICES_TOPIC);
    averages = driver.createOutputTopic<string, MovingAverage>(MOVING_AVERAGES_TOPIC);
    alerts = driver.createOutputTopic<string, PriceAlert>(PRICE_ALERTS_TOPIC);
  });
  afterEach(() => driver.close());

  /** A price `ms` after the opening. */
  function pipePrice(ms: number, coins: number): void {
    const timestamp = afterOpening(ms);
    prices.pipeInput('GNOU', { time: isoAt(timestamp), coins, forecast: 1 }, timestamp);
  }

  describe('the moving average (hopping windows of 1 minute, every 20 s)', () => {
    it('averages each window once it has closed; every price counts in the three windows that hold it', () => {
      pipePrice(0, 1.0);
      pipePrice(10 * SECOND, 1.2);
      pipePrice(30 * SECOND, 1.4);
      pipePrice(50 * SECOND, 1.0);
      pipePrice(200 * SECOND, 1.0); // moves stream time past the end of every window above
      expect(byWindowStart(averages.readValuesToList())).toEqual([
        { ...windowFrom(-40 * SECOND), average: 1.1, prices: 2 }, // 1.0, 1.2
        { ...windowFrom(-20 * SECOND), average: 1.2, prices: 3 }, // 1.0, 1.2, 1.4
        { ...windowFrom(0), average: 1.15, prices: 4 }, // all four
        { ...windowFrom(20 * SECOND), average: 1.2, prices: 2 }, // 1.4, 1.0
        { ...windowFrom(40 * SECOND), average: 1.0, prices: 1 }, // 1.0
      ]);
    });

    it('sends a window exactly when stream time reaches its end, not before', () => {
      pipePrice(0, 2.0);
      pipePrice(AVERAGE_ADVANCE_MS - 1, 1.0); // all three windows of the first price still open
      expect(averages.readValuesToList()).toEqual([]);
      pipePrice(AVERAGE_ADVANCE_MS, 1.0); // the window [-40 s, 20 s) ends now
      expect(averages.readValuesToList()).toEqual([{ ...windowFrom(-40 * SECOND), average: 1.5, prices: 2 }]);
    });

    it('counts a late price only in the windows still open', () => {
      pipePrice(0, 1.0);
      pipePrice(70 * SECOND, 2.0); // closes [-40 s, 20 s), [-20 s, 40 s) and [0 s, 60 s)
      pipePrice(30 * SECOND, 3.0); // late: of its windows only [20 s, 80 s) is open
      pipePrice(300 * SECOND, 1.0);
      expect({ averages: byWindowStart(averages.readValuesToList()), droppedRecords: driver.droppedRecords() }).toEqual({
        averages: [
          { ...windowFrom(-40 * SECOND), average: 1.0, prices: 1 },
          { ...windowFrom(-20 * SECOND), average: 1.0, prices: 1 },
          { ...windowFrom(0), average: 1.0, prices: 1 },
          { ...windowFrom(20 * SECOND), average: 2.5, prices: 2 }, // 2.0 and the late 3.0
          { ...windowFrom(40 * SECOND), average: 2.0, prices: 1 },
          { ...windowFrom(60 * SECOND), average: 2.0, prices: 1 },
        ],
        droppedRecords: 0,
      });
    });
  });

  describe(`the price alert (sliding windows of 10 minutes, threshold ${ALERT_THRESHOLD})`, () => {
    it('alerts at the price that takes the 10-minute average above the threshold, once per crossing', () => {
      const coins = [1.0, 1.2, 1.4, 2.0, 2.5, 2.5, 0.1, 0.1, 3.0];
      // Every price is within 10 minutes of the others. Running sums 1.0, 2.2, 3.6, 5.6, 8.1, 10.6, 10.7, 10.8, 13.8
      // give the averages 1.0, 1.1, 1.2, 1.4, 1.62 (crosses), 1.77, 1.53 (still above), 1.35 (back below), 1.5333… (crosses).
      coins.slice(0, 5).forEach((c, minute) => pipePrice(minute * MINUTE, c));
      // Real time: the alert is out as soon as its price is in.
      expect(alerts.readKeyValuesToList()).toEqual([{ key: 'GNOU', value: { time: isoAt(afterOpening(4 * MINUTE)), average: 1.62, prices: 5 } }]);
      coins.slice(5).forEach((c, i) => pipePrice((5 + i) * MINUTE, c));
      expect(alerts.readKeyValuesToList()).toEqual([
        { key: 'GNOU', value: { time: isoAt(afterOpening(8 * MINUTE)), average: 1.533333333, prices: 9 } },
      ]);
    });

    it('counts the price exactly 10 minutes earlier, not one a millisecond older', () => {
      pipePrice(0, 1.0);
      pipePrice(1, 1.0);
      // [1 ms, 10 min + 1 ms] holds the prices at 1 ms and at 10 min + 1 ms, not the one at 0:
      // (1.0 + 2.2) / 2 = 1.6 crosses; with the price at 0 it would be 4.2 / 3 = 1.4, without the one at 1 ms 2.2.
      pipePrice(ALERT_WINDOW_MS + 1, 2.2);
      expect(alerts.readValuesToList()).toEqual([{ time: isoAt(afterOpening(ALERT_WINDOW_MS + 1)), average: 1.6, prices: 2 }]);
    });

    it('stays silent while the average is at or below the threshold', () => {
      [1.0, 2.0, 1.0, 2.0].forEach((c, minute) => pipePrice(minute * MINUTE, c)); // 1.0, 1.5, 1.333…, 1.5
      expect(alerts.readKeyValuesToList()).toEqual([]);
    });
  });
});
