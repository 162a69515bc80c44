/**
 * Time in the katas' scenarios: event times are milliseconds since the epoch
 * (a record's timestamp), and the game's JSON carries them as ISO strings.
 * Every scenario starts when the market opens, on a round minute, so that
 * window boundaries fall where you expect them.
 */
export const MARKET_OPENS = Date.parse('2026-11-23T09:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The timestamp `ms` after the market opened. */
export function afterOpening(ms: number): number {
  return MARKET_OPENS + ms;
}

/** The ISO-8601 string the game writes for a timestamp. */
export function isoAt(timestamp: number): string {
  return new Date(timestamp).toISOString();
}
