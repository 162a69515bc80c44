/**
 * Reference solution of chapter 03: groupBy a new key, groupByKey, aggregate, toStream.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  GIBBS_TOPIC,
  HYPE_PER_WORD,
  HYPE_PER_WORD_TOPIC,
  INVESTED_PER_TRADER_TOPIC,
  INVESTMENTS_TOPIC,
  isAboutMarket,
  roundCoins,
  sentimentOf,
  wordsOf,
  type Gibb,
  type InvestmentOrder,
  type Sentiment,
  type TraderInvestments,
  type TraderKey,
  type WordHype,
} from '../../chapters/03-grouping-and-aggregating/given.js';

export * from '../../chapters/03-grouping-and-aggregating/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const gibbs = builder.stream<string, Gibb>(GIBBS_TOPIC);
  const investments = builder.stream<TraderKey, InvestmentOrder>(INVESTMENTS_TOPIC);

  // ===== your job starts here =====
  gibbs
    .filter((_key, gibb) => isAboutMarket(gibb.text))
    .flatMapValues((gibb) => wordsOf(gibb.text).filter((word) => sentimentOf(word) !== undefined))
    .groupBy((_key, word) => word)
    .aggregate<WordHype>(
      () => ({ mentions: 0, hype: 0 }),
      (word, _sameWord, total) => ({
        mentions: total.mentions + 1,
        hype: roundCoins(total.hype + (sentimentOf(word) as Sentiment) * HYPE_PER_WORD),
      }),
    )
    .toStream()
    .to(HYPE_PER_WORD_TOPIC);

  investments
    .groupByKey()
    .aggregate<TraderInvestments>(
      () => ({ orders: 0, invested: 0 }),
      (_trader, order, total) => ({ orders: total.orders + 1, invested: roundCoins(total.invested + order.invested) }),
    )
    .toStream()
    .to(INVESTED_PER_TRADER_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
