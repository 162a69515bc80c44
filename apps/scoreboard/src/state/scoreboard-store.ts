/**
 * Everything the scoreboard shows, kept from the REST snapshot and the live
 * feed. Views (the Phaser scene, the accessible DOM mirror) listen to its
 * change events and never talk to the network themselves.
 *
 * A page stays right across server restarts: a snapshot from another game
 * (another seed commitment, or a tick that went backwards) starts the chart over
 * instead of joining two games' prices into one line.
 */
import type { GameEvent, GameStatus, LeaderboardView, MarketView } from '@banana-market/protocol';
import type { LiveFrame, LivePrice, ServerHealth, Welcome } from '../net/live-frames.js';
import type { RecentHistory } from '@banana-market/protocol';
import { bannerFor, type Banner } from './banners.js';
import { Emitter } from './emitter.js';
import { GibbFeed, type TickerGibb } from './gibb-feed.js';
import { PriceHistory } from './price-history.js';
import { StandingsTracker, type Standings } from './standings.js';

export type Direction = 'up' | 'down' | 'flat';

export interface MarketState {
  readonly price: number;
  readonly forecast: number;
  readonly hype: number;
  readonly tick: number;
  /** Game time of the last tick (ISO). */
  readonly time: string;
  readonly status: GameStatus;
  /** How the price moved on the last tick. */
  readonly direction: Direction;
  /** Game time left at the last tick (or snapshot); null: the game has no end. */
  readonly remainingMs: number | null;
}

export type ConnectionState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'live' }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly retryAt: number; readonly since: number; readonly reason: string };

/** Whether the server reaches its message broker: while not, the game is frozen and actions are refused. */
export type BrokerState = { readonly status: 'ok' } | { readonly status: 'degraded'; readonly reason: string };

export interface StoreEvents extends Record<string, unknown> {
  market: MarketState;
  /** The chart's points changed (a tick, or a new game cleared them). */
  history: PriceHistory;
  leaderboard: Standings;
  /** A new gibb (`added`) or a gibb's hype mark became known (`marked`). */
  gibbs: { readonly latest: readonly TickerGibb[]; readonly added?: TickerGibb; readonly marked?: TickerGibb };
  banner: Banner;
  connection: ConnectionState;
  /** The server lost its message broker (the game is frozen), or has it again. */
  broker: BrokerState;
  /** Another game than the one shown: a reset, or a restarted server (its seed commitment, when known). */
  newGame: { readonly seedCommitment: string | undefined };
}

export class ScoreboardStore extends Emitter<StoreEvents> {
  readonly history = new PriceHistory();
  readonly gibbs = new GibbFeed();
  private readonly standingsTracker = new StandingsTracker();
  private marketState: MarketState | undefined;
  private connectionState: ConnectionState = { status: 'connecting', attempt: 1 };
  /** The shown game's seed commitment: games are told apart by it (the seed itself is secret until the end). */
  private seedCommitment: string | undefined;
  private tickMsValue = 1000;
  private brokerState: BrokerState = { status: 'ok' };

  get market(): MarketState | undefined {
    return this.marketState;
  }

  get standings(): Standings {
    return this.standingsTracker.standings;
  }

  get connection(): ConnectionState {
    return this.connectionState;
  }

  get broker(): BrokerState {
    return this.brokerState;
  }

  get tickMs(): number {
    return this.tickMsValue;
  }

  /** Game time elapsed, from the tick count: what the clock shows. */
  get gameClockMs(): number {
    return (this.marketState?.tick ?? 0) * this.tickMsValue;
  }

  setConnection(state: ConnectionState): void {
    this.connectionState = state;
    this.emit('connection', state);
  }

  /** The REST snapshot (GET /api/market and /api/leaderboard): the whole picture before the feed starts. */
  applySnapshot(market: MarketView, leaderboard: LeaderboardView): void {
    if (this.marketState !== undefined && market.tick < this.marketState.tick) this.startNewGame(this.seedCommitment);
    this.setMarket(market.price, market.forecast, market.hype, market.tick, market.time, market.status, market.remainingMs);
    this.setLeaderboard(leaderboard);
  }

  applyFrame(frame: LiveFrame): void {
    switch (frame.event) {
      case 'welcome':
        return this.applyWelcome(frame.data);
      case 'price':
        return this.applyPrice(frame.data);
      case 'leaderboard':
        return this.setLeaderboard(frame.data);
      case 'health':
        return this.setBroker(frame.data);
      case 'gibb': {
        const added = this.gibbs.add(frame.data);
        if (added !== undefined) this.emit('gibbs', { latest: this.gibbs.latest, added });
        return;
      }
      case 'price-alert': {
        const added = this.gibbs.addAlert(frame.data);
        if (added !== undefined) this.emit('gibbs', { latest: this.gibbs.latest, added });
        return;
      }
      case 'game-event': {
        const event = frame.data;
        if (event.type === 'HYPE_CHANGED') {
          const marked = this.gibbs.applyHype(event.gibbId, event.delta);
          if (marked !== undefined) this.emit('gibbs', { latest: this.gibbs.latest, marked });
          if (this.marketState !== undefined) this.replaceMarket({ hype: event.hype });
          return;
        }
        if (event.type === 'GAME_RESET') {
          this.seedCommitment = event.seedCommitment;
          this.startNewGame(event.seedCommitment);
        }
        const status = statusAfter(event.type);
        if (status !== undefined && this.marketState !== undefined) {
          // Over: no time left (the last tick may have come a moment before the end).
          const over = status === 'ended' && this.marketState.remainingMs !== null;
          this.replaceMarket(over ? { status, remainingMs: 0 } : { status });
        }
        this.markBurst(event);
        const banner = bannerFor(event);
        if (banner !== undefined) this.emit('banner', banner);
        return;
      }
    }
  }

  private setBroker(health: ServerHealth): void {
    const next: BrokerState =
      health.status === 'ok' ? { status: 'ok' } : { status: 'degraded', reason: health.reason ?? 'the message broker is unreachable' };
    if (next.status === this.brokerState.status && (next.status === 'ok' || next.reason === (this.brokerState as { reason?: string }).reason)) return;
    this.brokerState = next;
    this.emit('broker', next);
  }

  private applyWelcome(welcome: Welcome): void {
    // A (re)connection: a server without its broker says so right after the welcome, so until then it has one.
    this.setBroker({ status: 'ok' });
    const { market } = welcome;
    const otherGame =
      (this.seedCommitment !== undefined && welcome.seedCommitment !== this.seedCommitment) ||
      (this.marketState !== undefined && market.tick < this.marketState.tick);
    if (otherGame) this.startNewGame(welcome.seedCommitment);
    this.seedCommitment = welcome.seedCommitment;
    this.tickMsValue = welcome.tickMs;
    if (welcome.history !== undefined) this.applyHistory(welcome.history);
    this.setMarket(market.price, market.forecast, market.hype, market.tick, market.time, market.status, market.remainingMs);
    this.setLeaderboard(welcome.leaderboard);
  }

  /**
   * The feed's recent past from the welcome: the chart's points, the ticker's gibbs with their hype marks —
   * what a screen open all along would show (a reload, a late spectator). Old events raise no banner.
   */
  private applyHistory(history: RecentHistory): void {
    // The chart's earlier points go before what it has (the REST snapshot's tick, a few live ones).
    const earliest = this.history.all[0]?.tick ?? Number.POSITIVE_INFINITY;
    const earlier = history.prices.filter((p) => p.tick < earliest);
    if (earlier.length > 0) {
      const kept = [...this.history.all];
      this.history.clear();
      for (const price of earlier)
        this.history.add({ time: Date.parse(price.time), tick: price.tick, price: price.coins, ema: price.forecast * price.coins });
      for (const point of kept) this.history.add(point);
      this.emit('history', this.history);
    }
    // One change at a time, as the live feed would have brought them (the ticker adds and marks each).
    for (const gibb of history.gibbs) {
      const added = this.gibbs.add(gibb);
      if (added !== undefined) this.emit('gibbs', { latest: this.gibbs.latest, added });
    }
    for (const event of history.events) {
      this.markBurst(event);
      if (event.type !== 'HYPE_CHANGED') continue;
      const marked = this.gibbs.applyHype(event.gibbId, event.delta);
      if (marked !== undefined) this.emit('gibbs', { latest: this.gibbs.latest, marked });
    }
  }

  /** A burst's start and steps, marked on the price line. */
  private markBurst(event: GameEvent): void {
    const step = event.type === 'BUBBLE_BURST_STARTED' ? 0 : event.type === 'BUBBLE_BURST_STEP' ? event.step : undefined;
    if (step === undefined || !('steps' in event)) return;
    if (this.history.markBurst({ time: Date.parse(event.time), step, steps: event.steps })) this.emit('history', this.history);
  }

  private applyPrice(price: LivePrice): void {
    if (this.marketState !== undefined && price.tick <= this.marketState.tick) return;
    const remainingMs = price.remainingMs === undefined ? (this.marketState?.remainingMs ?? null) : price.remainingMs;
    this.setMarket(price.coins, price.forecast, price.hype, price.tick, price.time, this.marketState?.status ?? 'running', remainingMs);
  }

  private setMarket(price: number, forecast: number, hype: number, tick: number, time: string, status: GameStatus, remainingMs: number | null): void {
    const previous = this.history.latest?.price ?? this.marketState?.price;
    const direction: Direction =
      previous === undefined || price === previous ? (this.marketState?.direction ?? 'flat') : price > previous ? 'up' : 'down';
    this.marketState = { price, forecast, hype, tick, time, status, direction, remainingMs };
    if (this.history.add({ time: Date.parse(time), tick, price, ema: forecast * price })) this.emit('history', this.history);
    this.emit('market', this.marketState);
  }

  private replaceMarket(change: Partial<MarketState>): void {
    this.marketState = { ...this.marketState!, ...change };
    this.emit('market', this.marketState);
  }

  private setLeaderboard(board: LeaderboardView): void {
    this.emit('leaderboard', this.standingsTracker.update(board));
  }

  private startNewGame(seedCommitment: string | undefined): void {
    this.history.clear();
    this.standingsTracker.forget();
    this.marketState = undefined;
    this.emit('history', this.history);
    this.emit('newGame', { seedCommitment });
  }
}

function statusAfter(type: string): GameStatus | undefined {
  switch (type) {
    case 'GAME_PAUSED':
      return 'paused';
    case 'GAME_STARTED':
    case 'GAME_RESUMED':
    case 'GAME_RESET':
      return 'running';
    case 'GAME_ENDED':
      return 'ended';
    default:
      return undefined;
  }
}
