import { describe, expect, it } from 'vitest';
import { burstProbability, MKTD2018_RULES, type GameEvent } from '../src/index.js';
import { T0, engineWith, ofKind } from './support.js';

const gibb = (text: string, id: string) => ({ id, time: new Date(T0).toISOString(), text });
const gameEvents = (events: Parameters<typeof ofKind>[0]) => ofKind(events, 'game-event').map((e) => e.event as GameEvent);

describe('bubble bursts', () => {
  it('happen with probability (hype − already burst) × 0.01', () => {
    expect(burstProbability(0.5, 0, MKTD2018_RULES)).toBeCloseTo(0.005, 12);
    expect(burstProbability(0.5, 0.3, MKTD2018_RULES)).toBeCloseTo(0.002, 12);
    expect(burstProbability(0.2, 0.3, MKTD2018_RULES)).toBe(0);
    expect(burstProbability(-1, 0, MKTD2018_RULES)).toBe(0);
  });

  it('start on a hype change about as often as the probability says', () => {
    // With 50 × the default rate and hype 0.1 per gibb, p = 0.05 on the first gibb.
    let bursts = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const engine = engineWith({ burstProbabilityPerHype: 0.5 }, `burst-${i}`);
      const events = engine.applyGibb(gibb('banana great great great great great great great great great great', 'g'), T0);
      if (gameEvents(events).some((e) => e.type === 'BUBBLE_BURST_STARTED')) bursts++;
    }
    expect(bursts / runs).toBeGreaterThan(0.035);
    expect(bursts / runs).toBeLessThan(0.065);
  });

  it('shrink the hype in ten steps, one every 5 s, by the 2018 factors', () => {
    const engine = engineWith({ burstProbabilityPerHype: 1000 });
    const started = gameEvents(engine.applyGibb(gibb('banana great great great great great', 'g'), T0));
    expect(started.map((e) => e.type)).toEqual(['HYPE_CHANGED', 'BUBBLE_BURST_STARTED']);
    expect(engine.nextDueTime()).toBe(T0 + 1000);
    const steps = gameEvents(engine.advanceTo(T0 + 60_000)).filter((e) => e.type === 'BUBBLE_BURST_STEP');
    expect(steps).toHaveLength(10);
    let hype = 0.05;
    steps.forEach((step, i) => {
      hype *= MKTD2018_RULES.burstFactors[i];
      expect(step).toMatchObject({ step: i + 1, steps: 10, factor: MKTD2018_RULES.burstFactors[i] });
      if (step.type === 'BUBBLE_BURST_STEP') expect(step.hype).toBeCloseTo(hype, 12);
      expect(step.time).toBe(new Date(T0 + 5000 * (i + 1)).toISOString());
    });
    expect(engine.snapshot().hype).toBeCloseTo(0.05 * 0.3026, 3);
    expect(engine.snapshot().burstInProgress).toBe(false);
  });

  it('never run two at a time, and count only hype above what already burst', () => {
    const engine = engineWith({ burstProbabilityPerHype: 1000 });
    engine.applyGibb(gibb('banana great great great great great', 'g1'), T0);
    // During the burst, further hype changes start nothing.
    const during = gameEvents(engine.applyGibb(gibb('banana great', 'g2'), T0 + 100));
    expect(during.map((e) => e.type)).toEqual(['HYPE_CHANGED']);
    engine.advanceTo(T0 + 60_000);
    const left = engine.snapshot().hype;
    // After the burst the remaining hype counts as burst: a negative change cannot start another.
    const after = gameEvents(engine.applyGibb(gibb('banana bad', 'g3'), T0 + 61_000));
    expect(after.map((e) => e.type)).toEqual(['HYPE_CHANGED']);
    expect(engine.snapshot().hype).toBeCloseTo(left - 0.01, 8);
  });

  it('move the published price with the hype', () => {
    const engine = engineWith({ burstProbabilityPerHype: 1000, priceSigma: 0, priceMu: 0 });
    engine.applyGibb(gibb('banana great great great great great great great great great great', 'g'), T0);
    expect(engine.currentPrice()).toBeCloseTo(1.1, 12);
    engine.advanceTo(T0 + 60_000);
    expect(engine.currentPrice()).toBeCloseTo(1 + 0.1 * 0.3026, 3);
  });
});
