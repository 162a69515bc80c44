/**
 * Reference solution of chapter 10: a timestamp extractor reading the order's time, then counts per tumbling minute.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, StreamsBuilder, Suppressed, TimeWindows, type TimestampExtractor, type Topology } from '@banana-market/exercises';
import {
  GRACE_MS,
  isoAt,
  ORDERS_PER_MINUTE_TOPIC,
  ORDERS_TOPIC,
  orderTimeMs,
  WINDOW_SIZE_MS,
  type MarketOrder,
  type OrdersPerMinute,
  type TraderKey,
} from '../../chapters/10-event-time/given.js';

export * from '../../chapters/10-event-time/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();

  // ===== your job starts here =====
  // The order's own time when it has one (−1, hence dropped, when it is not a date); else when it reached Kafka.
  const orderTime: TimestampExtractor<TraderKey, MarketOrder | null> = {
    extract: (record) => {
      const time = record.value?.time;
      return time === undefined ? record.timestamp : orderTimeMs(time);
    },
  };

  builder
    .stream<TraderKey, MarketOrder | null>(ORDERS_TOPIC, { timestampExtractor: orderTime })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE_MS, GRACE_MS))
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((windowed, orders) => {
      const perMinute: OrdersPerMinute = { windowStart: isoAt(windowed.window.start), windowEnd: isoAt(windowed.window.end), orders };
      return KeyValue.pair(windowed.key, perMinute);
    })
    .to(ORDERS_PER_MINUTE_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
