import { DEFAULT_RULES, readHype } from '@banana-market/engine';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@banana-market/exercises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterOpening, isoAt, SECOND } from '../support/market-time.js';
import { buildTopology, GIBBS_TOPIC, INFLUENCES_TOPIC, SENTIMENTS_TOPIC, type Gibb, type GibbInfluence, type WordSentiment } from './kata.js';

describe('chapter 01 — stateless operations', () => {
  let driver: TopologyTestDriver;
  let gibbs: TestInputTopic<string, Gibb>;
  let sentiments: TestOutputTopic<string, WordSentiment>;
  let influences: TestOutputTopic<string, GibbInfluence>;
  let seconds = 0;

  beforeEach(() => {
    driver = new TopologyTestDriver(buildTopology());
    gibbs = driver.createInputTopic<string, Gibb>(GIBBS_TOPIC);
    sentiments = driver.createOutputTopic<string, WordSentiment>(SENTIMENTS_TOPIC);
    influences = driver.createOutputTopic<string, GibbInfluence>(INFLUENCES_TOPIC);
    seconds = 0;
  });
  afterEach(() => driver.close());

  function pipeGibb(id: string, text: string): Gibb {
    const timestamp = afterOpening(++seconds * SECOND);
    const gibb = { id, time: isoAt(timestamp), text };
    gibbs.pipeInput('GNOU', gibb, timestamp);
    return gibb;
  }

  function sentiment(gibbId: string, word: string, sentiment: 1 | -1): { key: string; value: WordSentiment } {
    return { key: gibbId, value: { gibbId, word, sentiment } };
  }

  it('sends one sentiment per hype word, in the order of the text, keyed by the gibb id', () => {
    pipeGibb('g1', 'Bananas are GREAT, buy buy! #MKTD');
    // great, buy, buy and mktd (the hashtag's word) are positive; bananas and are are not hype words.
    expect(sentiments.readKeyValuesToList()).toEqual(['great', 'buy', 'buy', 'mktd'].map((word) => sentiment('g1', word, 1)));
  });

  it('ignores gibbs that are not about the market, however hyped', () => {
    pipeGibb('g1', 'great weather, I love it, super happy');
    expect({ sentiments: sentiments.readKeyValuesToList(), influences: influences.readKeyValuesToList() }).toEqual({
      sentiments: [],
      influences: [],
    });
  });

  it('sends the influence of a gibb: 0.01 per positive word, minus 0.01 per negative one', () => {
    const gibb = pipeGibb('g2', 'banana bubble: sell sell, the risk is high');
    // negative: bubble, sell, sell, risk (4); positive: high (1) → (1 − 4) × 0.01
    expect({ sentiments: sentiments.readKeyValuesToList(), influences: influences.readKeyValuesToList() }).toEqual({
      sentiments: [
        sentiment('g2', 'bubble', -1),
        sentiment('g2', 'sell', -1),
        sentiment('g2', 'sell', -1),
        sentiment('g2', 'risk', -1),
        sentiment('g2', 'high', 1),
      ],
      influences: [{ key: 'g2', value: { gibbId: 'g2', time: gibb.time, influence: -0.03 } }],
    });
  });

  it('sends no influence for a gibb about the market whose words cancel out or that has none', () => {
    pipeGibb('g3', 'banana: good and bad');
    pipeGibb('g4', 'a banana a day');
    expect({ sentiments: sentiments.readKeyValuesToList(), influences: influences.readKeyValuesToList() }).toEqual({
      sentiments: [sentiment('g3', 'good', 1), sentiment('g3', 'bad', -1)],
      influences: [],
    });
  });

  it('agrees with the game’s own hype rule, gibb after gibb, each influence at its gibb’s timestamp', () => {
    const texts = ['#mktd super sweet', 'BANANA down down down', 'no banana today, sad', 'bananas: love, hate, love', 'nothing here'];
    const sent = texts.map((text, i) => pipeGibb(`g${i}`, text));
    const expected = sent
      .map((gibb) => ({ gibb, delta: readHype(gibb.text, DEFAULT_RULES).delta }))
      .filter(({ delta }) => delta !== 0)
      .map(({ gibb, delta }) => ({ key: gibb.id, value: { gibbId: gibb.id, time: gibb.time, influence: delta }, timestamp: Date.parse(gibb.time) }));

    expect(influences.readRecordsToList()).toEqual(expected);
  });
});
