/**
 * What the room sees as the game ends: the last minute counted down large,
 * and once it is over a podium — the top three teams and the top three
 * traders with their scores — that stays until the next game.
 */
import { formatRemaining } from '../format.js';
import type { MarketState } from './scoreboard-store.js';
import type { Standings } from './standings.js';

/** The countdown shows from this much game time left. */
export const COUNTDOWN_FROM_MS = 60_000;
export const PODIUM_PLACES = 3;

/** The countdown's text (`0:42`) while the running game's last minute lasts; undefined otherwise. */
export function countdownText(market: MarketState | undefined): string | undefined {
  if (market?.status !== 'running' || market.remainingMs === null || market.remainingMs > COUNTDOWN_FROM_MS) return undefined;
  return formatRemaining(market.remainingMs);
}

export interface Podium {
  readonly teams: readonly { readonly place: number; readonly team: string; readonly score: number }[];
  readonly traders: readonly { readonly place: number; readonly team: string; readonly name: string; readonly score: number }[];
}

/** The podium of an ended game (undefined while it runs). */
export function podiumOf(market: MarketState | undefined, standings: Standings): Podium | undefined {
  if (market?.status !== 'ended') return undefined;
  return {
    teams: standings.teams.slice(0, PODIUM_PLACES).map((t, i) => ({ place: i + 1, team: t.team, score: t.score })),
    traders: standings.traders.slice(0, PODIUM_PLACES).map((t, i) => ({ place: i + 1, team: t.team, name: t.name, score: t.score })),
  };
}

/** The podium in words: what the accessible mirror reads and the canvas draws. */
export function podiumLines(podium: Podium): string[] {
  return [
    ...podium.teams.map((t) => `team ${t.place}. ${t.team} ${t.score}`),
    ...podium.traders.map((t) => `trader ${t.place}. ${t.team}/${t.name} ${t.score}`),
  ];
}
