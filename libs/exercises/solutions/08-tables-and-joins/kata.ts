/** Reference solution of chapter 08: a table, a re-keyed stream, an inner stream-table join. */
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

interface TradersOrder {
  readonly trader: TraderKey;
  readonly order: MarketOrder;
}

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.table<string, SharePrice>(PRICES_TOPIC);
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  orders
    // A join matches keys: the price's key is "GNOU", so the orders take it for a while.
    .map((trader, order) => KeyValue.pair<string, TradersOrder>(PRICE_KEY, { trader, order }))
    .join(prices, ({ trader, order }, price) => ({ trader, value: orderValueOf(order, price) }))
    .map((_priceKey, { trader, value }) => KeyValue.pair<TraderKey, OrderValue>(trader, value))
    .to(ORDER_VALUES_TOPIC);

  return builder.build();
}

function orderValueOf(order: MarketOrder, price: SharePrice): OrderValue {
  return { txnId: order.txnId, type: order.type, shares: order.shares, price: price.coins, coins: roundCoins(order.shares * price.coins) };
}
