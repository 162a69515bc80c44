/**
 * The recent past of the live feed, so that a screen opened (or reloaded) in
 * the middle of a game draws what one always open would: the price frames of
 * the last five minutes of game time, the last 20 gibbs and the recent game
 * events (hype marks, bursts, pauses). Bounded; kept from what this server's
 * feed carried since it started, and started over with a new game.
 */
import { RECENT_HISTORY, type GameEvent, type Gibb, type LivePrice, type RecentHistory } from '@banana-market/protocol';

export class RecentHistoryBuffer {
  private prices: LivePrice[] = [];
  private gibbs: Gibb[] = [];
  private events: GameEvent[] = [];

  price(price: LivePrice): void {
    this.prices.push(price);
    const oldest = Date.parse(price.time) - RECENT_HISTORY.priceWindowMs;
    let drop = 0;
    while (drop < this.prices.length && Date.parse(this.prices[drop].time) < oldest) drop++;
    if (drop > 0) this.prices = this.prices.slice(drop);
  }

  gibb(gibb: Gibb): void {
    this.gibbs.push(gibb);
    if (this.gibbs.length > RECENT_HISTORY.gibbs) this.gibbs.shift();
  }

  event(event: GameEvent): void {
    // A new game: its chart starts empty, as a screen open at the reset would show it.
    if (event.type === 'GAME_RESET') this.prices = [];
    this.events.push(event);
    if (this.events.length > RECENT_HISTORY.events) this.events.shift();
  }

  snapshot(): RecentHistory {
    return { prices: [...this.prices], gibbs: [...this.gibbs], events: [...this.events] };
  }
}
