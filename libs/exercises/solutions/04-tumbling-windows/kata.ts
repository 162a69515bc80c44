/**
 * Reference solution of chapter 04: windowedBy(tumbling), aggregate, suppress until the window closes.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { KeyValue, StreamsBuilder, Suppressed, TimeWindows, type Topology } from '@banana-market/exercises';
import {
  COMBINED_INVESTMENTS_TOPIC,
  GRACE_MS,
  INVESTMENTS_TOPIC,
  isoAt,
  roundCoins,
  WINDOW_SIZE_MS,
  type CombinedInvestment,
  type InvestmentOrder,
  type TraderKey,
} from '../../chapters/04-tumbling-windows/given.js';

export * from '../../chapters/04-tumbling-windows/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const investments = builder.stream<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);

  // ===== your job starts here =====
  interface Totals {
    readonly orders: number;
    readonly invested: number;
  }

  investments
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE_MS, GRACE_MS))
    .aggregate<Totals>(
      () => ({ orders: 0, invested: 0 }),
      (_trader, order, totals) => ({ orders: totals.orders + 1, invested: roundCoins(totals.invested + order.invested) }),
    )
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((windowed, totals) =>
      KeyValue.pair<TraderKey, CombinedInvestment>(windowed.key, {
        windowStart: isoAt(windowed.window.start),
        windowEnd: isoAt(windowed.window.end),
        ...totals,
      }),
    )
    .to(COMBINED_INVESTMENTS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
