/**
 * Chapter 01 — stateless operations: from gibbs to sentiments to influence.
 * Edit only between the marks in buildTopology: every name you need is imported
 * above them (README.md, "What kata.ts imports for you").
 * Run its tests: npm run exercises -- --chapter 1
 */
// biome-ignore-all lint/correctness/noUnusedImports: the imports are the kata's toolbox, so that you edit only between the marks: use what you need
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
  type Sentiment,
  type WordSentiment,
} from './given.js';

export * from './given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const gibbs = builder.stream<string, Gibb>(GIBBS_TOPIC);

  // ===== your job starts here =====
  // 1. Keep the gibbs about the market (isAboutMarket) and key them by their id.
  // 2. To SENTIMENTS_TOPIC: one WordSentiment per hype word (wordsOf, sentimentOf), in the text's order.
  // 3. To INFLUENCES_TOPIC: one GibbInfluence per gibb whose influence is not 0.
  gibbs.peek(() => undefined); // does nothing yet: replace with your topology
  // ===== your job ends here =====

  return builder.build();
}
