/**
 * A server that lost its message broker says so on the feed (a `health`
 * frame); the board shows "broker unavailable — the game is frozen" until it
 * is back, and a reconnection to a healthy server clears it.
 */
import { describe, expect, it } from 'vitest';
import { describeBroker } from '../src/dom/accessible-mirror.js';
import { parseLiveFrame } from '../src/net/live-frames.js';
import { BROKER_UNAVAILABLE_TEXT, stickyText } from '../src/scene/banner-view.js';
import { ScoreboardStore, type BrokerState } from '../src/state/scoreboard-store.js';

const REASON = 'Kafka broker unreachable at 127.0.0.1:9092 since 10:42:03: Closed connection';
const welcome = {
  market: { price: 1, forecast: 1, hype: 0, tick: 3, time: '2026-11-22T10:00:00.000Z', status: 'running' },
  leaderboard: { traders: [], teams: [] },
  seedCommitment: 'a'.repeat(64),
  tickMs: 1000,
};

function feed(store: ScoreboardStore, event: string, data: unknown): void {
  const parsed = parseLiveFrame(JSON.stringify({ event, data }));
  if (!parsed.ok || parsed.frame === undefined) throw new Error(`unexpected frame: ${JSON.stringify(parsed)}`);
  store.applyFrame(parsed.frame);
}

describe('the broker banner', () => {
  it('shows while the server is degraded and goes when it is back, or on a new welcome', () => {
    const store = new ScoreboardStore();
    const seen: BrokerState[] = [];
    store.on('broker', (state) => seen.push(state));
    feed(store, 'welcome', welcome);
    expect(store.broker).toEqual({ status: 'ok' });

    feed(store, 'health', { status: 'degraded', reason: REASON });
    expect(store.broker).toEqual({ status: 'degraded', reason: REASON });
    expect(stickyText('running', store.broker)).toBe(BROKER_UNAVAILABLE_TEXT);
    expect(stickyText('paused', store.broker)).toBe(BROKER_UNAVAILABLE_TEXT);
    expect(BROKER_UNAVAILABLE_TEXT.toLowerCase()).toBe('broker unavailable — the game is frozen');
    expect(describeBroker(store.broker)).toBe(`Broker unavailable — the game is frozen (${REASON})`);

    feed(store, 'health', { status: 'ok' });
    expect(stickyText('running', store.broker)).toBe('');
    expect(stickyText('paused', store.broker)).toMatch(/GAME PAUSED/);
    expect(describeBroker(store.broker)).toBe('');

    feed(store, 'health', { status: 'degraded', reason: REASON });
    feed(store, 'welcome', welcome); // reconnected: a degraded server would say so again right after
    expect(store.broker).toEqual({ status: 'ok' });
    expect(seen.map((s) => s.status)).toEqual(['degraded', 'ok', 'degraded', 'ok']);
  });
});
