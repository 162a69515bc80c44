/**
 * The feed's recent past that a reloaded screen gets in its welcome (issue
 * #20): after 2 minutes of play it holds them all (≥ 100 s of prices), after
 * 6 minutes the last 5; the last 20 gibbs; a reset starts the chart over.
 */
import { describe, expect, it } from 'vitest';
import { RECENT_HISTORY, type LivePrice } from '@banana-market/protocol';
import { RecentHistoryBuffer } from '../src/live/recent-history.js';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const price = (tick: number): LivePrice => ({ time: iso(T0 + tick * 1000), coins: 1, forecast: 1, hype: 0, tick });

describe('the recent history of the feed', () => {
  it('keeps the last five minutes of prices, the last gibbs and events, and starts over with a new game', () => {
    const buffer = new RecentHistoryBuffer();
    for (let tick = 1; tick <= 120; tick++) buffer.price(price(tick));
    const afterTwoMinutes = buffer.snapshot().prices;
    expect(afterTwoMinutes).toHaveLength(120);
    expect(Date.parse(afterTwoMinutes[119].time) - Date.parse(afterTwoMinutes[0].time)).toBeGreaterThanOrEqual(100_000);

    for (let tick = 121; tick <= 360; tick++) buffer.price(price(tick));
    const prices = buffer.snapshot().prices;
    expect(Date.parse(prices[prices.length - 1].time) - Date.parse(prices[0].time)).toBe(RECENT_HISTORY.priceWindowMs);
    expect(prices[0].tick).toBe(60);

    for (let i = 0; i < 25; i++) buffer.gibb({ id: `g${i}`, time: iso(T0 + i), text: `gibb ${i}` });
    expect(buffer.snapshot().gibbs.map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g${i + 5}`));

    buffer.event({ type: 'BUBBLE_BURST_STARTED', time: iso(T0 + 361_000), hype: 0.4, steps: 4 });
    expect(buffer.snapshot().events.map((e) => e.type)).toEqual(['BUBBLE_BURST_STARTED']);
    buffer.event({ type: 'GAME_RESET', time: iso(T0 + 362_000), seedCommitment: 'c'.repeat(64) });
    expect(buffer.snapshot().prices).toEqual([]);
    expect(buffer.snapshot().events).toHaveLength(2);
  });
});
