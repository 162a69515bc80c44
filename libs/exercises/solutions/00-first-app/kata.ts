/**
 * Reference solution of chapter 00: filter, map, to. Its region between the
 * marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  MY_TRADER,
  ORDERS_TOPIC,
  PRICES_TOPIC,
  SHARES_PER_ORDER,
  txnIdFor,
  type MarketOrder,
  type SharePrice,
  type TraderKey,
} from '../../chapters/00-first-app/given.js';

export * from '../../chapters/00-first-app/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC);

  // ===== your job starts here =====
  prices
    .filter((_key, price) => price.forecast !== 1)
    .map((_key, price) => KeyValue.pair<TraderKey, MarketOrder>(MY_TRADER, orderFor(price)))
    .to(ORDERS_TOPIC);

  function orderFor(price: SharePrice): MarketOrder {
    return {
      time: price.time,
      txnId: txnIdFor(price),
      type: price.forecast > 1 ? 'BUY' : 'SELL',
      shares: SHARES_PER_ORDER,
    };
  }
  // ===== your job ends here =====

  return builder.build();
}
