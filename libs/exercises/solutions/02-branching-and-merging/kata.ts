/**
 * Reference solution of chapter 02: split into named branches, mapValues each, merge.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
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

  // ===== your job starts here =====
  const branches = texts
    .split()
    .branch((_trader, text) => readOrderText(text.text)?.type === 'BUY', 'buys')
    .branch((_trader, text) => readOrderText(text.text)?.type === 'SELL', 'sells')
    .defaultBranch('unreadable');

  const buys = branches.buys.flatMapValues((text) => ordersOf(text, (shares) => Math.min(shares, MAX_SHARES_PER_BUY)));
  const sells = branches.sells.flatMapValues((text) => ordersOf(text, (shares) => shares));

  buys.merge(sells).to(ORDERS_TOPIC);
  branches.unreadable.to(UNREADABLE_TOPIC);

  /** The text's order, as a list: its branch has read it already, so there is always one. */
  function ordersOf(text: OrderText, limit: (shares: number) => number): MarketOrder[] {
    const read = readOrderText(text.text);
    return read === undefined ? [] : [{ time: text.time, txnId: text.txnId, type: read.type, shares: limit(read.shares) }];
  }
  // ===== your job ends here =====

  return builder.build();
}
