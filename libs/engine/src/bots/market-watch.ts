/**
 * Keeps what a bot sees of the market — the hype, a burst in progress, the
 * latest gibbs and what they did — from the messages anyone can read: price
 * ticks, game events and gibbs. The server's house bots, virtual games and
 * the SDK's transports all build their bots' observations with it.
 */
import type { GameEvent, Gibb } from '@banana-market/protocol';
import type { BotMarketView, BotObservation, BurstView, RecentGibb } from './strategy.js';

/** How many gibbs a bot sees, newest last. */
export const RECENT_GIBBS = 10;

export interface PriceTick {
  readonly price: number;
  readonly forecast: number;
  readonly tick: number;
  /** ISO time of the tick. */
  readonly time: string;
  /** The hype, when the tick says it (the WebSocket feed does; Kafka's share-price does not). */
  readonly hype?: number;
  readonly plantationYield?: number;
}

export class MarketWatch {
  private hype = 0;
  private burst: BurstView = { inProgress: false, step: 0, steps: 0 };
  private gibbs: RecentGibb[] = [];
  private endsAt: number | null = null;

  /** The game's end on the game clock, when it has one. */
  setEnd(endsAt: number | null): void {
    this.endsAt = endsAt;
  }

  onGibb(gibb: Gibb): void {
    if (this.gibbs.some((g) => g.id === gibb.id)) return;
    this.gibbs = [...this.gibbs, { id: gibb.id, text: gibb.text, time: gibb.time, hypeDelta: 0 }].slice(-RECENT_GIBBS);
  }

  onGameEvent(event: GameEvent): void {
    switch (event.type) {
      case 'HYPE_CHANGED':
        this.hype = event.hype;
        this.gibbs = this.gibbs.map((g) => (g.id === event.gibbId ? { ...g, hypeDelta: event.delta } : g));
        return;
      case 'BUBBLE_BURST_STARTED':
        this.burst = { inProgress: true, step: 0, steps: event.steps };
        return;
      case 'BUBBLE_BURST_STEP':
        this.hype = event.hype;
        this.burst = { inProgress: event.step < event.steps, step: event.step < event.steps ? event.step : 0, steps: event.steps };
        return;
      case 'GAME_RESET':
        this.hype = 0;
        this.burst = { inProgress: false, step: 0, steps: 0 };
        this.gibbs = [];
        return;
    }
  }

  /** The observation for a bot deciding on this tick. */
  observe(tick: PriceTick): BotObservation {
    if (tick.hype !== undefined) this.hype = tick.hype;
    const time = Date.parse(tick.time);
    const market: BotMarketView = {
      price: tick.price,
      forecast: tick.forecast,
      tick: tick.tick,
      hype: this.hype,
      burst: this.burst,
      time,
      timeLeftMs: this.endsAt === null ? null : Math.max(0, this.endsAt - time),
      ...(tick.plantationYield === undefined ? {} : { plantationYield: tick.plantationYield }),
    };
    return { market, recentGibbs: this.gibbs };
  }
}
