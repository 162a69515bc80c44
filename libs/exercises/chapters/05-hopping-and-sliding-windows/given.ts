/** What chapter 05 gives you: the topics, the windows, the threshold and a price average to fold. */
import type { TimestampExtractor } from '@banana-market/exercises';
import { TOPICS, type SharePrice } from '@banana-market/protocol';
import { roundCoins } from '../support/hype-words.js';
import { MINUTE, SECOND } from '../support/market-time.js';

export { isoAt } from '../support/market-time.js';
export type { SharePrice };

/** The share price, key "GNOU": `{time, coins, forecast}`. */
export const PRICES_TOPIC = TOPICS.sharePrice.name;
/** The chart's moving average: one record per hopping window once it has closed, key "GNOU". */
export const MOVING_AVERAGES_TOPIC = 'kata-05-moving-averages';
/** An alert each time the 10-minute average crosses above the threshold, key "GNOU". */
export const PRICE_ALERTS_TOPIC = 'kata-05-price-alerts';

/**
 * A price's event time is its own `time`, not its record's timestamp: the game stamps a record when it
 * sends it, a few milliseconds after the tick the price belongs to, and the alert compares a window's end
 * with the time of the price that ended it. The stream reads prices with it (chapter 10 is about extractors).
 */
export const PRICE_TIME: TimestampExtractor<string, SharePrice> = {
  extract: (record) => Date.parse(record.value?.time),
};

/** The moving average: windows of 1 minute, one starting every 20 seconds, no grace. */
export const AVERAGE_WINDOW_MS = 1 * MINUTE;
export const AVERAGE_ADVANCE_MS = 20 * SECOND;

/** The alert: the average of the prices of the last 10 minutes (both ends included)… */
export const ALERT_WINDOW_MS = 10 * MINUTE;
/** …strictly above this many coins. */
export const ALERT_THRESHOLD = 1.5;

/** What to fold prices into to average them. */
export interface PriceStats {
  readonly sum: number;
  readonly count: number;
  /** The event time of the newest price folded in, in ms (Date.parse(price.time)). */
  readonly latestMs: number;
}

export const NO_PRICES: PriceStats = { sum: 0, count: 0, latestMs: 0 };

export function addPrice(stats: PriceStats, price: SharePrice): PriceStats {
  return { sum: stats.sum + price.coins, count: stats.count + 1, latestMs: Math.max(stats.latestMs, Date.parse(price.time)) };
}

export function averageOf(stats: PriceStats): number {
  return roundCoins(stats.sum / stats.count);
}

export interface MovingAverage {
  /** The window, as ISO times: [windowStart, windowEnd). */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly average: number;
  readonly prices: number;
}

export interface PriceAlert {
  /** The time of the price that took the average above the threshold. */
  readonly time: string;
  readonly average: number;
  /** How many prices the 10-minute window held. */
  readonly prices: number;
}

/** What the alert remembers from one price to the next: was the average above, and is there an alert to send? */
export interface AlertState {
  readonly above: boolean;
  readonly alert: PriceAlert | null;
}

export const NOTHING_SEEN: AlertState = { above: false, alert: null };
