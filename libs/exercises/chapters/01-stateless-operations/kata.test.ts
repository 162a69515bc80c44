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

  it('sends one sentiment per hype word, in the order of the text, keyed by the gibb id', () => {
    pipeGibb('g1', 'Bananas are GREAT, buy buy! #MKTD');
    // great, buy, buy and mktd (the hashtag's word) are positive; bananas and are are not hype words.
    expect(sentiments.readKeyValuesToList()).toEqual(
      ['great', 'buy', 'buy', 'mktd'].map((word) => ({ key: 'g1', value: { gibbId: 'g1', word, sentiment: 1 } })),
    );
  });

  it('ignores gibbs that are not about the market, however hyped', () => {
    pipeGibb('g1', 'great weather, I love it, super happy');
    expect(sentiments.isEmpty()).toBe(true);
    expect(influences.isEmpty()).toBe(true);
  });

  it('sends the influence of a gibb: 0.01 per positive word, minus 0.01 per negative one', () => {
    const gibb = pipeGibb('g2', 'banana bubble: sell sell, the risk is high');
    // negative: bubble, sell, sell, risk (4); positive: high (1) → (1 − 4) × 0.01
    expect(influences.readKeyValuesToList()).toEqual([{ key: 'g2', value: { gibbId: 'g2', time: gibb.time, influence: -0.03 } }]);
    expect(sentiments.readValuesToList().map((s) => `${s.word}${s.sentiment > 0 ? '+' : '-'}`)).toEqual([
      'bubble-',
      'sell-',
      'sell-',
      'risk-',
      'high+',
    ]);
  });

  it('sends no influence for a gibb about the market whose words cancel out or that has none', () => {
    pipeGibb('g3', 'banana: good and bad');
    pipeGibb('g4', 'a banana a day');
    expect(influences.isEmpty()).toBe(true);
    expect(sentiments.readValuesToList().map((s) => s.word)).toEqual(['good', 'bad']);
  });

  it('agrees with the game’s own hype rule, gibb after gibb, at the gibbs’ timestamps', () => {
    const texts = ['#mktd super sweet', 'BANANA down down down', 'no banana today, sad', 'bananas: love, hate, love', 'nothing here'];
    const sent = texts.map((text, i) => pipeGibb(`g${i}`, text));
    const expected = sent
      .map((gibb) => ({ gibb, delta: readHype(gibb.text, DEFAULT_RULES).delta }))
      .filter(({ delta }) => delta !== 0)
      .map(({ gibb, delta }) => ({ gibbId: gibb.id, time: gibb.time, influence: delta }));

    const records = influences.readRecordsToList();
    expect(records.map((r) => r.value)).toEqual(expected);
    expect(records.map((r) => r.timestamp)).toEqual(expected.map((e) => Date.parse(e.time)));
  });
});
