/** Reference solution of chapter 02: split into named branches, mapValues each, merge. */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  MAX_SHARES_PER_BUY,
  ORDER_TEXTS_TOPIC,
  ORDERS_TOPIC,
  readOrderText,
  UNREADABLE_TOPIC,
  type MarketOrder,
  type OrderText,
  type TraderKey,
} from '../../chapters/02-branching-and-merging/given.js';

export * from '../../chapters/02-branching-and-merging/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const texts = builder.stream<TraderKey, OrderText>(ORDER_TEXTS_TOPIC);

  const branches = texts
    .split()
    .branch((_trader, text) => readOrderText(text.text)?.type === 'BUY', 'buys')
    .branch((_trader, text) => readOrderText(text.text)?.type === 'SELL', 'sells')
    .defaultBranch('unreadable');

  const buys = branches.buys.mapValues((text) => orderOf(text, (shares) => Math.min(shares, MAX_SHARES_PER_BUY)));
  const sells = branches.sells.mapValues((text) => orderOf(text, (shares) => shares));

  buys.merge(sells).to(ORDERS_TOPIC);
  branches.unreadable.to(UNREADABLE_TOPIC);

  return builder.build();
}

/** Only called on a text its branch has read, so readOrderText finds an order. */
function orderOf(text: OrderText, limit: (shares: number) => number): MarketOrder {
  const { type, shares } = readOrderText(text.text)!;
  return { time: text.time, txnId: text.txnId, type, shares: limit(shares) };
}
