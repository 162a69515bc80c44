/**
 * Reference solution of chapter 08: a table, a re-keyed stream, an inner stream-table join.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  ORDER_VALUES_TOPIC,
  ORDERS_TOPIC,
  PRICE_KEY,
  PRICES_TOPIC,
  roundCoins,
  type MarketOrder,
  type OrderValue,
  type SharePrice,
  type TraderKey,
} from '../../chapters/08-tables-and-joins/given.js';

export * from '../../chapters/08-tables-and-joins/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  interface TradersOrder {
    readonly trader: TraderKey;
    readonly order: MarketOrder;
  }

  const prices = builder.table<string, SharePrice>(PRICES_TOPIC);

  orders
    // A join matches keys: the price's key is "GNOU", so the orders take it for a while.
    .map((trader, order) => KeyValue.pair<string, TradersOrder>(PRICE_KEY, { trader, order }))
    .join(prices, ({ trader, order }, price) => ({ trader, value: orderValueOf(order, price) }))
    .map((_priceKey, { trader, value }) => KeyValue.pair<TraderKey, OrderValue>(trader, value))
    .to(ORDER_VALUES_TOPIC);

  function orderValueOf(order: MarketOrder, price: SharePrice): OrderValue {
    return { txnId: order.txnId, type: order.type, shares: order.shares, price: price.coins, coins: roundCoins(order.shares * price.coins) };
  }
  // ===== your job ends here =====

  return builder.build();
}
