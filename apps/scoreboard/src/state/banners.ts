/**
 * What a game event looks like as a banner. HYPE_CHANGED is not a banner (the
 * ticker marks it); every other event is. `key` lets the view update a banner
 * in place (the steps of one burst, a run of bailouts) instead of queueing.
 */
import { traderId, type GameEvent } from '@banana-market/protocol';
import { formatSigned } from '../format.js';

export type BannerTone = 'good' | 'bad' | 'info' | 'alert';

export interface Banner {
  readonly key: 'start' | 'pause' | 'resume' | 'reset' | 'end' | 'burst' | 'bailout';
  readonly title: string;
  readonly detail: string;
  readonly tone: BannerTone;
  /** Burst progress: a bar of `steps` with `step` done. */
  readonly progress?: { readonly step: number; readonly steps: number };
  /** The traders bailed out, for coalescing a run of bailouts. */
  readonly traders?: readonly string[];
}

export function bannerFor(event: GameEvent): Banner | undefined {
  switch (event.type) {
    case 'GAME_STARTED':
      return { key: 'start', title: 'GAME ON', detail: 'the banana market is open', tone: 'good' };
    case 'GAME_PAUSED':
      return { key: 'pause', title: 'GAME PAUSED', detail: 'the market waits for the coach', tone: 'info' };
    case 'GAME_RESUMED':
      return { key: 'resume', title: 'GAME RESUMED', detail: 'trade away!', tone: 'good' };
    case 'GAME_RESET':
      return { key: 'reset', title: 'NEW GAME', detail: 'everybody starts over', tone: 'info' };
    case 'GAME_ENDED':
      // The seed was secret while the game ran: the end reveals it (its SHA-256 is the commitment published at the start).
      return { key: 'end', title: 'GAME OVER', detail: `the seed was ${event.seed}`, tone: 'info' };
    case 'BUBBLE_BURST_STARTED':
      return {
        key: 'burst',
        title: 'BUBBLE BURST!',
        detail: `the hype deflates in ${event.steps} steps · hype ${formatSigned(event.hype)}`,
        tone: 'alert',
        progress: { step: 0, steps: event.steps },
      };
    case 'BUBBLE_BURST_STEP':
      return {
        key: 'burst',
        title: 'BUBBLE BURST!',
        detail: `step ${event.step}/${event.steps} · hype ×${event.factor.toFixed(2)} → ${formatSigned(event.hype)}`,
        tone: 'alert',
        progress: { step: event.step, steps: event.steps },
      };
    case 'BAILOUT': {
      const who = traderId(event.trader);
      return {
        key: 'bailout',
        title: 'BAILOUT!',
        detail: `${who} is rescued (${ordinal(event.bailouts)} time)`,
        tone: 'bad',
        traders: [who],
      };
    }
    case 'HYPE_CHANGED':
      return undefined;
  }
}

/** Several bailouts while the banner shows become one banner naming them. */
export function mergeBailouts(shown: Banner, next: Banner): Banner {
  const traders = [...(shown.traders ?? []), ...(next.traders ?? [])];
  if (traders.length <= 1) return next;
  const names = traders.slice(-3).join(', ');
  return { ...next, detail: `${traders.length} traders rescued: ${names}${traders.length > 3 ? '…' : ''}`, traders };
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
