/**
 * Reference solution of chapter 09: decode into a result, route both outcomes, count the rejections.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  DEAD_LETTERS_TOPIC,
  decodeMessage,
  ORDERS_TOPIC,
  RAW_ORDERS_TOPIC,
  RAW_TEXT,
  REJECTIONS_PER_FIELD_TOPIC,
  SINGLE_STREAM_KEY,
  type MarketOrder,
  type RejectedOrder,
  type TraderKey,
} from '../../chapters/09-errors/given.js';

export * from '../../chapters/09-errors/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const raw = builder.stream(RAW_ORDERS_TOPIC, RAW_TEXT);

  // ===== your job starts here =====
  type ParsedOrder = { ok: true; trader: TraderKey; order: MarketOrder } | { ok: false; rejected: RejectedOrder };

  /** Never throws: a message that cannot be read becomes a RejectedOrder, so one bad message never stops the app. */
  function parse(key: string | null, value: string | null): ParsedOrder {
    const trader = decodeMessage.traderKey(key);
    if (!trader.ok) return { ok: false, rejected: { key, value, field: trader.error.field, reason: trader.error.message } };
    const order = decodeMessage.marketOrder(value);
    if (!order.ok) return { ok: false, rejected: { key, value, field: order.error.field, reason: order.error.message } };
    return { ok: true, trader: trader.value, order: order.value };
  }

  const parsed = raw.mapValues((value, key) => parse(key, value));

  parsed.flatMap((_key, p) => (p.ok ? [KeyValue.pair<TraderKey, MarketOrder>(p.trader, p.order)] : [])).to(ORDERS_TOPIC);

  const rejected = parsed.flatMap((_key, p) => (p.ok ? [] : [KeyValue.pair<string, RejectedOrder>(SINGLE_STREAM_KEY, p.rejected)]));
  rejected.to(DEAD_LETTERS_TOPIC);
  rejected
    .groupBy((_key, r) => r.field)
    .count()
    .toStream()
    .to(REJECTIONS_PER_FIELD_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
