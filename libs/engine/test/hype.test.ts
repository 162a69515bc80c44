import { describe, expect, it } from 'vitest';
import { MKTD2018_RULES, readHype } from '../src/index.js';
import { T0, engineWith, ofKind } from './support.js';

const gibb = (text: string, id = 'g1') => ({ id, time: new Date(T0).toISOString(), text });

describe('hype from gibbs', () => {
  it.each([
    ['Bananas are GREAT, buy buy buy!', 4, 0],
    ['#MKTD is sweet and safe', 3, 0], // mktd counts as a positive word too
    ['banana bubble will burst, sell now, danger', 0, 4],
    ['banana: good and bad', 1, 1],
    ['I love apples, great day', 0, 0], // not about the market
    ['BANANA up Up UP', 3, 0],
    ['banana supergood unhappy', 0, 0], // whole words only
  ])('reads %j as +%i −%i', (text, positive, negative) => {
    const reading = readHype(text, MKTD2018_RULES);
    expect(reading.positive).toBe(positive);
    expect(reading.negative).toBe(negative);
    expect(reading.delta).toBeCloseTo((positive - negative) * 0.01, 12);
  });

  it('moves the hype and the price, and announces it', () => {
    const engine = engineWith();
    const before = engine.currentPrice();
    const events = engine.applyGibb(gibb('banana great good nice'), T0);
    expect(ofKind(events, 'game-event')[0].event).toMatchObject({ type: 'HYPE_CHANGED', gibbId: 'g1', hype: 0.03 });
    expect(engine.snapshot().hype).toBe(0.03);
    expect(engine.currentPrice()).toBeCloseTo(before + 0.03, 12);
    engine.applyGibb(gibb('banana bad', 'g2'), T0);
    expect(engine.snapshot().hype).toBe(0.02);
  });

  it('ignores gibbs that are not about the market or carry no sentiment', () => {
    const engine = engineWith();
    expect(engine.applyGibb(gibb('great great great'), T0)).toEqual([]);
    expect(engine.applyGibb(gibb('banana banana'), T0)).toEqual([]);
    expect(engine.snapshot().hype).toBe(0);
  });
});
