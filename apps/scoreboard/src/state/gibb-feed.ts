/**
 * The latest gibbs, each with the hype it moved once the server says so.
 * HYPE_CHANGED names the gibb by id and may arrive before or after the gibb
 * itself (they travel on different topics), so an early delta waits here.
 */
import type { Gibb, LivePriceAlert } from '@banana-market/protocol';
import { formatSigned } from '../format.js';

export interface TickerGibb {
  readonly id: string;
  readonly time: string;
  readonly text: string;
  /** Hype the gibb added (+) or removed (−); undefined while unknown or when it moved nothing. */
  delta: number | undefined;
  /** A participant's chapter-05 price alert (their --live run), shown when the coach turns them on; not a gibb. */
  readonly alert?: true;
}

export class GibbFeed {
  private items: TickerGibb[] = [];
  private readonly earlyDeltas = new Map<string, number>();

  constructor(readonly capacity = 20) {}

  /** Newest first. */
  get latest(): readonly TickerGibb[] {
    return this.items;
  }

  /** Returns the new ticker item, or undefined for a gibb already shown (a replay). */
  add(gibb: Gibb): TickerGibb | undefined {
    if (this.items.some((g) => g.id === gibb.id)) return undefined;
    const item: TickerGibb = { id: gibb.id, time: gibb.time, text: gibb.text, delta: this.earlyDeltas.get(gibb.id) };
    this.earlyDeltas.delete(gibb.id);
    return this.push(item);
  }

  private push(item: TickerGibb): TickerGibb {
    this.items.unshift(item);
    if (this.items.length > this.capacity) this.items.length = this.capacity;
    return item;
  }

  /** A price alert rides the ticker as an item of its own: "ALERT alice: avg 1.62". Undefined for one already shown. */
  addAlert(alert: LivePriceAlert): TickerGibb | undefined {
    const id = `alert:${alert.participant}:${alert.time}:${alert.average}`;
    if (this.items.some((g) => g.id === id)) return undefined;
    return this.push({ id, time: alert.time, text: `ALERT ${alert.participant}: avg ${alert.average.toFixed(2)}`, delta: undefined, alert: true });
  }

  /** Returns the item whose mark changed, or undefined when its gibb has not arrived yet. */
  applyHype(gibbId: string, delta: number): TickerGibb | undefined {
    const item = this.items.find((g) => g.id === gibbId);
    if (item !== undefined) {
      item.delta = delta;
      return item;
    }
    this.earlyDeltas.set(gibbId, delta);
    if (this.earlyDeltas.size > this.capacity) this.earlyDeltas.delete(this.earlyDeltas.keys().next().value as string);
    return undefined;
  }
}

/** The ticker's mark for a gibb's hype effect. */
export function hypeMark(delta: number | undefined): { readonly sign: '+' | '−' | '·'; readonly label: string } {
  if (delta === undefined || delta === 0) return { sign: '·', label: 'no hype' };
  return { sign: delta > 0 ? '+' : '−', label: `hype ${formatSigned(delta)}` };
}

/** The ticker's mark for an item: a price alert's "!", else its gibb's hype mark. */
export function tickerMark(item: TickerGibb): { readonly sign: '+' | '−' | '·' | '!'; readonly label: string } {
  return item.alert === true ? { sign: '!', label: 'price alert' } : hypeMark(item.delta);
}
