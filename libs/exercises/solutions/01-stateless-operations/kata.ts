/**
 * Reference solution of chapter 01: filter, selectKey, flatMapValues, mapValues — one stream used twice.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  GIBBS_TOPIC,
  HYPE_PER_WORD,
  INFLUENCES_TOPIC,
  isAboutMarket,
  roundCoins,
  SENTIMENTS_TOPIC,
  sentimentOf,
  wordsOf,
  type Gibb,
  type GibbInfluence,
  type WordSentiment,
} from '../../chapters/01-stateless-operations/given.js';

export * from '../../chapters/01-stateless-operations/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const gibbs = builder.stream<string, Gibb>(GIBBS_TOPIC);

  // ===== your job starts here =====
  const aboutMarket = gibbs.filter((_key, gibb) => isAboutMarket(gibb.text)).selectKey((_key, gibb) => gibb.id);

  aboutMarket.flatMapValues(sentimentsOf).to(SENTIMENTS_TOPIC);

  aboutMarket
    .mapValues(influenceOf)
    .filter((_gibbId, influence) => influence.influence !== 0)
    .to(INFLUENCES_TOPIC);

  function sentimentsOf(gibb: Gibb): WordSentiment[] {
    return wordsOf(gibb.text).flatMap((word) => {
      const sentiment = sentimentOf(word);
      return sentiment === undefined ? [] : [{ gibbId: gibb.id, word, sentiment }];
    });
  }

  function influenceOf(gibb: Gibb): GibbInfluence {
    const total = sentimentsOf(gibb).reduce((sum, s) => sum + s.sentiment, 0);
    return { gibbId: gibb.id, time: gibb.time, influence: roundCoins(total * HYPE_PER_WORD) };
  }
  // ===== your job ends here =====

  return builder.build();
}
