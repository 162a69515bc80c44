/**
 * Reference solution of chapter 05: hopping windows with suppress; sliding windows read as they update,
 * then an aggregate that remembers the last average.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, SlidingWindows, StreamsBuilder, Suppressed, TimeWindows, type Topology } from '@banana-market/exercises';
import {
  addPrice,
  ALERT_THRESHOLD,
  ALERT_WINDOW_MS,
  AVERAGE_ADVANCE_MS,
  AVERAGE_WINDOW_MS,
  averageOf,
  isoAt,
  MOVING_AVERAGES_TOPIC,
  NO_PRICES,
  NOTHING_SEEN,
  PRICE_ALERTS_TOPIC,
  PRICE_TIME,
  PRICES_TOPIC,
  type AlertState,
  type MovingAverage,
  type PriceStats,
  type SharePrice,
} from '../../chapters/05-hopping-and-sliding-windows/given.js';

export * from '../../chapters/05-hopping-and-sliding-windows/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC, { timestampExtractor: PRICE_TIME });

  // ===== your job starts here =====
  prices
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(AVERAGE_WINDOW_MS).advanceBy(AVERAGE_ADVANCE_MS))
    .aggregate<PriceStats>(
      () => NO_PRICES,
      (_key, price, stats) => addPrice(stats, price),
    )
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((windowed, stats) =>
      KeyValue.pair<string, MovingAverage>(windowed.key, {
        windowStart: isoAt(windowed.window.start),
        windowEnd: isoAt(windowed.window.end),
        average: averageOf(stats),
        prices: stats.count,
      }),
    )
    .to(MOVING_AVERAGES_TOPIC);

  prices
    .groupByKey()
    .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ALERT_WINDOW_MS))
    .aggregate<PriceStats>(
      () => NO_PRICES,
      (_key, price, stats) => addPrice(stats, price),
    )
    .toStream()
    // A price also updates the windows that start after earlier prices and end later;
    // the window of "the last 10 minutes as of this price" is the one ending at it.
    .filter((windowed, stats) => windowed.window.end === stats.latestMs)
    .map((windowed, stats) => KeyValue.pair(windowed.key, stats))
    // Crossing is a change from one price to the next: remember whether the last average was above.
    .groupByKey()
    .aggregate<AlertState>(
      () => NOTHING_SEEN,
      (_key, stats, previous) => nextAlertState(previous, stats),
    )
    .toStream()
    .flatMapValues((state) => (state.alert === null ? [] : [state.alert]))
    .to(PRICE_ALERTS_TOPIC);

  function nextAlertState(previous: AlertState, stats: PriceStats): AlertState {
    const average = averageOf(stats);
    const above = average > ALERT_THRESHOLD;
    const alert = above && !previous.above ? { time: isoAt(stats.latestMs), average, prices: stats.count } : null;
    return { above, alert };
  }
  // ===== your job ends here =====

  return builder.build();
}
