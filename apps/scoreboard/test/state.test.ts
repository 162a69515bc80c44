/**
 * The scoreboard's state, without a browser: what the chart keeps, who moved
 * on the board, which gibb moved the hype, which banner an event makes, and
 * how the store notices that the server came back with another game.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GameEvent, LeaderboardView } from '@banana-market/protocol';
import { Backoff } from '../src/net/backoff.js';
import { parseLiveFrame, type LiveFrame } from '../src/net/live-frames.js';
import { bannerFor, mergeBailouts, ordinal, type Banner } from '../src/state/banners.js';
import { crowdSize, crowdUnit, MAX_CROWD } from '../src/state/crowd.js';
import { pageAt, pageLabel, rotationPeriodMs } from '../src/state/rotation.js';
import { GibbFeed, hypeMark, tickerMark } from '../src/state/gibb-feed.js';
import { PriceHistory } from '../src/state/price-history.js';
import { ScoreboardStore, type MarketState } from '../src/state/scoreboard-store.js';
import { StandingsTracker } from '../src/state/standings.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
/** Seed commitments (SHA-256 hex) of two games: the scoreboard tells games apart by them. */
const GAME_S = 'a'.repeat(64);
const GAME_OTHER = 'b'.repeat(64);

function board(...traders: [team: string, name: string, score: number][]): LeaderboardView {
  const teams = new Map<string, { team: string; score: number; traders: number }>();
  for (const [team, , score] of traders) {
    const t = teams.get(team) ?? { team, score: 0, traders: 0 };
    teams.set(team, { team, score: t.score + score, traders: t.traders + 1 });
  }
  return {
    traders: traders.map(([team, name, score]) => ({ team, name, score, fedMonkeys: score, bailouts: 0, coins: 10, shares: 5 })),
    teams: [...teams.values()].sort((a, b) => b.score - a.score),
  };
}

describe('price history', () => {
  it('keeps the window and the point budget whatever the tick, and never goes back in time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 5000 }), fc.integer({ min: 1, max: 3000 }), (tickMs, ticks) => {
        const history = new PriceHistory(60_000, 100);
        for (let tick = 1; tick <= ticks; tick++) history.add({ time: T0 + tick * tickMs, tick, price: 1, ema: 1 });
        const points = history.all;
        expect(points.length).toBeLessThanOrEqual(102);
        expect(points[points.length - 1].tick).toBe(ticks);
        expect(points[points.length - 1].time - points[0].time).toBeLessThanOrEqual(60_000);
        for (let i = 1; i < points.length; i++) expect(points[i].time).toBeGreaterThan(points[i - 1].time);
      }),
      { numRuns: 60 },
    );
  });

  it('ignores a replayed or older tick', () => {
    const history = new PriceHistory();
    expect(history.add({ time: T0, tick: 5, price: 1, ema: 1 })).toBe(true);
    expect(history.add({ time: T0, tick: 5, price: 2, ema: 2 })).toBe(false);
    expect(history.add({ time: T0 - 1000, tick: 4, price: 2, ema: 2 })).toBe(false);
    expect(history.all.map((p) => p.price)).toEqual([1]);
  });

  it('gives a flat line some room above and below', () => {
    const history = new PriceHistory();
    history.add({ time: T0, tick: 1, price: 2, ema: 2 });
    history.add({ time: T0 + 1000, tick: 2, price: 2, ema: 2 });
    const range = history.range()!;
    expect(range.min).toBeLessThan(2);
    expect(range.max).toBeGreaterThan(2);
  });
});

describe('standings', () => {
  it('says who climbed, who fell, who is new, and counts each team’s fed monkeys', () => {
    const tracker = new StandingsTracker();
    tracker.update(board(['A', 'ann', 5], ['B', 'bob', 3]));
    const next = tracker.update(board(['B', 'bob', 9], ['A', 'ann', 5], ['A', 'amy', 1]));
    expect(next.traders.map((t) => [t.id, t.rank, t.movement])).toEqual([
      ['B/bob', 1, 'up'],
      ['A/ann', 2, 'down'],
      ['A/amy', 3, 'new'],
    ]);
    expect(next.teams.map((t) => [t.team, t.movement, t.fedMonkeys])).toEqual([
      ['B', 'up', 9],
      ['A', 'down', 6],
    ]);
    expect(tracker.update(board(['B', 'bob', 9], ['A', 'ann', 5], ['A', 'amy', 1])).traders.map((t) => t.movement)).toEqual(['same', 'same', 'same']);
    tracker.forget();
    expect(tracker.update(board(['B', 'bob', 9])).traders[0].movement).toBe('new');
  });
});

describe('gibb feed', () => {
  it('marks a gibb with its hype whether the HYPE_CHANGED event comes before or after it', () => {
    const feed = new GibbFeed(3);
    expect(feed.applyHype('early', -0.02)).toBeUndefined();
    expect(feed.add({ id: 'early', time: iso(T0), text: 'banana bubble' })?.delta).toBe(-0.02);
    feed.add({ id: 'late', time: iso(T0), text: 'banana yes' });
    expect(feed.applyHype('late', 0.01)?.delta).toBe(0.01);
    expect(feed.add({ id: 'late', time: iso(T0), text: 'banana yes' })).toBeUndefined();
    feed.add({ id: 'c', time: iso(T0), text: 'c' });
    feed.add({ id: 'd', time: iso(T0), text: 'd' });
    expect(feed.latest.map((g) => g.id)).toEqual(['d', 'c', 'late']);
  });

  it('marks + for a rise, − for a fall, · for none', () => {
    expect(hypeMark(0.03)).toEqual({ sign: '+', label: 'hype +0.03' });
    expect(hypeMark(-0.01)).toEqual({ sign: '−', label: 'hype −0.01' });
    expect(hypeMark(undefined).sign).toBe('·');
  });
});

describe('banners', () => {
  const at = iso(T0);

  it('turns every game event but hype changes into a banner', () => {
    const events: GameEvent[] = [
      { type: 'GAME_STARTED', time: at, seedCommitment: GAME_S },
      { type: 'GAME_PAUSED', time: at },
      { type: 'GAME_RESUMED', time: at },
      { type: 'GAME_RESET', time: at, seedCommitment: GAME_S },
      { type: 'GAME_ENDED', time: at, seed: 'the-revealed-seed', seedCommitment: GAME_S },
      { type: 'BUBBLE_BURST_STARTED', time: at, hype: 0.4, steps: 10 },
      { type: 'BUBBLE_BURST_STEP', time: at, step: 3, steps: 10, factor: 0.8, hype: 0.2 },
      { type: 'BAILOUT', time: at, trader: { team: 'A', name: 'ann' }, bailouts: 2 },
    ];
    const banners = events.map((e) => bannerFor(e)!);
    expect(banners.map((b) => b.key)).toEqual(['start', 'pause', 'resume', 'reset', 'end', 'burst', 'burst', 'bailout']);
    expect(banners[4].detail).toContain('the-revealed-seed');
    expect(banners[6]).toMatchObject({ progress: { step: 3, steps: 10 }, detail: 'step 3/10 · hype ×0.80 → +0.20' });
    expect(banners[7].detail).toBe('A/ann is rescued (2nd time)');
    expect(bannerFor({ type: 'HYPE_CHANGED', time: at, gibbId: 'g', delta: 0.01, hype: 0.01 })).toBeUndefined();
  });

  it('folds a run of bailouts into one banner', () => {
    const bailout = (name: string) => bannerFor({ type: 'BAILOUT', time: at, trader: { team: 'A', name }, bailouts: 1 }) as Banner;
    const merged = ['b', 'c', 'd'].reduce((shown, name) => mergeBailouts(shown, bailout(name)), bailout('a'));
    expect(merged.detail).toBe('4 traders rescued: A/b, A/c, A/d…');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']);
  });
});

describe('monkey crowd', () => {
  it('is linear: one unit per monkey drawn, 44 fed near twice 25 fed, the hungriest crowd fitting its lane', () => {
    expect(crowdUnit(25)).toBe(1);
    expect(crowdUnit(44)).toBe(2);
    expect([crowdSize(44, 2), crowdSize(25, 2)]).toEqual([22, 13]);
    expect(crowdSize(0, 1)).toBe(0);
    expect(crowdSize(1, 50)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        const unit = crowdUnit(Math.max(a, b));
        expect([1, 2, 5].includes(unit / 10 ** Math.floor(Math.log10(unit) + 1e-9))).toBe(true);
        expect(crowdSize(Math.max(a, b), unit)).toBeLessThanOrEqual(MAX_CROWD);
        // Linear: the crowds differ by the fed counts' difference over the unit, give or take rounding (½ each) and the one monkey any fed team gets.
        if (a > 0 && b > 0) expect(Math.abs(crowdSize(a, unit) - crowdSize(b, unit) - (a - b) / unit)).toBeLessThanOrEqual(1.5);
        // The smallest unit that fits: half of it (or the step below) would overflow the lane.
        if (unit > 1) expect(Math.max(a, b)).toBeGreaterThan((unit / 2.5) * MAX_CROWD);
      }),
    );
  });
});

describe('pages of the standings', () => {
  it('turn through every item, one page per period, and say which page shows', () => {
    const seen = new Set<number>();
    for (let t = 0; t < 5 * 6000; t += 6000) {
      const page = pageAt(60, 12, t, 6000);
      for (let i = page.start; i < page.end; i++) seen.add(i);
    }
    expect(seen.size).toBe(60);
    expect(pageAt(60, 12, 6000 * 6 + 10, 6000)).toMatchObject({ index: 1, count: 5, start: 12, end: 24 });
    expect(pageLabel(pageAt(60, 12, 6000, 6000))).toBe('13–24 of 60 · page 2/5');
    expect(pageAt(61, 12, 6000 * 5, 6000)).toMatchObject({ index: 5, count: 6, start: 60, end: 61 });
    expect(pageLabel(pageAt(8, 12, 99_999, 6000))).toBe('');
    expect(rotationPeriodMs('2', 6000)).toBe(2000);
    expect(rotationPeriodMs('nope', 6000)).toBe(6000);
    expect(rotationPeriodMs('0', 6000)).toBe(6000);
  });
});

describe('reconnection backoff', () => {
  it('doubles up to the cap, stays within its jitter, and starts over after a success', () => {
    const exact = new Backoff({ initialMs: 250, maxMs: 5000, jitter: 0 });
    expect(Array.from({ length: 7 }, () => exact.nextDelayMs())).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    exact.reset();
    expect(exact.nextDelayMs()).toBe(250);
    const low = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0.999999 });
    expect(low.nextDelayMs()).toBe(800);
    expect(high.nextDelayMs()).toBe(1200);
  });
});

describe('live frames', () => {
  it('parses the feed with the protocol schemas and names the bad field', () => {
    const price = { event: 'price', data: { time: iso(T0), coins: 1.2, forecast: 1.01, hype: 0, tick: 3 } };
    expect(parseLiveFrame(JSON.stringify(price))).toEqual({ ok: true, frame: price });
    expect(parseLiveFrame(JSON.stringify({ event: 'txn-result', data: {} }))).toEqual({ ok: true, frame: undefined });
    const bad = parseLiveFrame(JSON.stringify({ event: 'price', data: { ...price.data, coins: 'a lot' } }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toMatch(/^price\.data\.coins: /);
    expect(parseLiveFrame('not json')).toEqual({ ok: false, problem: 'frame: expected JSON text' });

    const market = { price: 1, forecast: 1, hype: 0, time: iso(T0), tick: 0, status: 'running', endsAt: null, remainingMs: null };
    const welcome = { market, leaderboard: board(), seedCommitment: GAME_S, tickMs: 1000 };
    expect(parseLiveFrame(JSON.stringify({ event: 'welcome', data: welcome })).ok).toBe(true);
    const ended = { ...welcome, market: { ...market, status: 'ended' }, seed: 'revealed' };
    expect(parseLiveFrame(JSON.stringify({ event: 'welcome', data: ended }))).toEqual({ ok: true, frame: { event: 'welcome', data: ended } });
    const uncommitted = parseLiveFrame(JSON.stringify({ event: 'welcome', data: { ...welcome, seedCommitment: 'not-a-hash' } }));
    expect(!uncommitted.ok && uncommitted.problem).toMatch(/^welcome\.data\.seedCommitment: expected 64 lowercase hex/);
  });
});

describe('scoreboard store', () => {
  const welcome = (seedCommitment: string, tick: number, leaderboard = board(['A', 'ann', 1])): LiveFrame => ({
    event: 'welcome',
    data: {
      market: { price: 1, forecast: 1, hype: 0, time: iso(T0 + tick * 1000), tick, status: 'running', endsAt: null, remainingMs: null },
      leaderboard,
      seedCommitment,
      tickMs: 1000,
    },
  });
  const price = (tick: number, coins: number): LiveFrame => ({
    event: 'price',
    data: { time: iso(T0 + tick * 1000), coins, forecast: 1, hype: 0, tick },
  });

  it('draws a reloaded screen after 2 minutes of play as one open all along: the chart, the gibbs, the burst marks', () => {
    const store = new ScoreboardStore();
    const ticks = Array.from({ length: 120 }, (_, i) => i + 1);
    const gibbs = Array.from({ length: 20 }, (_, i) => ({ id: `g${i}`, time: iso(T0 + i * 5000), text: `bananas #MKTD ${i}` }));
    const events: GameEvent[] = [
      { type: 'HYPE_CHANGED', time: iso(T0 + 95_000), gibbId: 'g19', delta: 0.05, hype: 0.3 },
      { type: 'BUBBLE_BURST_STARTED', time: iso(T0 + 100_000), hype: 0.3, steps: 4 },
      { type: 'BUBBLE_BURST_STEP', time: iso(T0 + 105_000), step: 1, steps: 4, factor: 0.5, hype: 0.15 },
    ];
    const history = {
      prices: ticks.map((tick) => ({ time: iso(T0 + tick * 1000), coins: 1 + tick / 1000, forecast: 1, hype: 0, tick })),
      gibbs,
      events,
    };
    const frame = welcome(GAME_S, 120);
    store.applyFrame({ ...frame, data: { ...(frame.data as object), history } } as LiveFrame);
    const points = store.history.all;
    expect(points[points.length - 1].time - points[0].time).toBeGreaterThanOrEqual(100_000);
    expect(store.gibbs.latest.map((g) => g.id)).toContain('g19');
    expect(store.history.bursts.map((m) => m.step)).toEqual([0, 1]);
    // The same burst step arriving live again is not marked twice.
    store.applyFrame({ event: 'game-event', data: events[2] });
    expect(store.history.bursts).toHaveLength(2);
  });

  it('follows the ticks, their direction and the game clock, ignoring replays', () => {
    const store = new ScoreboardStore();
    const markets: MarketState[] = [];
    store.on('market', (m) => markets.push(m));
    store.applyFrame(welcome(GAME_S, 10));
    store.applyFrame(price(11, 1.1));
    store.applyFrame(price(12, 1.05));
    store.applyFrame(price(12, 9));
    expect(markets.map((m) => [m.tick, m.direction])).toEqual([
      [10, 'flat'],
      [11, 'up'],
      [12, 'down'],
    ]);
    expect(store.gameClockMs).toBe(12_000);
    expect(store.history.all).toHaveLength(3);
  });

  it('starts the chart over when the server comes back with another game', () => {
    const store = new ScoreboardStore();
    const newGames: unknown[] = [];
    store.on('newGame', (g) => newGames.push(g));
    store.applyFrame(welcome(GAME_S, 10));
    store.applyFrame(price(11, 1.1));
    store.applyFrame(welcome(GAME_S, 11));
    expect(newGames).toEqual([]);
    // Same seed commitment, but the tick went back: a restarted server.
    store.applyFrame(welcome(GAME_S, 2, board(['B', 'bob', 4])));
    expect(newGames).toEqual([{ seedCommitment: GAME_S }]);
    expect(store.history.all.map((p) => p.tick)).toEqual([2]);
    expect(store.standings.traders.map((t) => [t.id, t.movement])).toEqual([['B/bob', 'new']]);
    store.applyFrame(welcome(GAME_OTHER, 3));
    expect(newGames).toHaveLength(2);
  });

  it("starts over on a reset, and knows the reset game's commitment when the page reconnects", () => {
    const store = new ScoreboardStore();
    const newGames: unknown[] = [];
    store.on('newGame', (g) => newGames.push(g));
    store.applyFrame(welcome(GAME_S, 10));
    store.applyFrame({ event: 'game-event', data: { type: 'GAME_RESET', time: iso(T0), seedCommitment: GAME_OTHER } });
    expect(newGames).toEqual([{ seedCommitment: GAME_OTHER }]);
    store.applyFrame(welcome(GAME_OTHER, 1));
    expect(newGames).toHaveLength(1);
  });

  it('marks gibbs, tracks the status and raises banners from game events', () => {
    const store = new ScoreboardStore();
    const banners: Banner[] = [];
    store.on('banner', (b) => banners.push(b));
    store.applyFrame(welcome(GAME_S, 1));
    store.applyFrame({ event: 'gibb', data: { id: 'g1', time: iso(T0), text: 'banana great' } });
    store.applyFrame({ event: 'game-event', data: { type: 'HYPE_CHANGED', time: iso(T0), gibbId: 'g1', delta: 0.01, hype: 0.01 } });
    expect(store.gibbs.latest[0].delta).toBe(0.01);
    expect(store.market?.hype).toBe(0.01);
    store.applyFrame({ event: 'game-event', data: { type: 'GAME_PAUSED', time: iso(T0) } });
    expect(store.market?.status).toBe('paused');
    store.applyFrame({ event: 'game-event', data: { type: 'GAME_RESUMED', time: iso(T0) } });
    expect(store.market?.status).toBe('running');
    expect(banners.map((b) => b.key)).toEqual(['pause', 'resume']);
  });

  it("puts the room's price alerts on the ticker, once each, marked as alerts", () => {
    const store = new ScoreboardStore();
    const added: string[] = [];
    store.on('gibbs', (g) => g.added && added.push(g.added.text));
    const alert = { participant: 'alice', time: iso(T0), average: 1.6166666666666667, prices: 30 };
    const frame = parseLiveFrame(JSON.stringify({ event: 'price-alert', data: alert }));
    if (!frame.ok || frame.frame === undefined) throw new Error(`a price alert frame was refused: ${JSON.stringify(frame)}`);
    store.applyFrame(frame.frame);
    store.applyFrame({ event: 'price-alert', data: alert });
    // Two decimals, as the prices' own; the same alert twice is shown once.
    expect(added).toEqual(['ALERT alice: avg 1.62']);
    expect(tickerMark(store.gibbs.latest[0])).toEqual({ sign: '!', label: 'price alert' });
  });
});
