/**
 * The ISO-8601 form of a time (ms since the epoch), as Date#toISOString
 * writes it. An order stamps its trader's time on several things (its
 * result, the trader's state) at mostly the same ms, and a Date and a string
 * per stamp were a visible share of the engine's time: the last one is kept.
 */
let lastMs = Number.NaN;
let lastIso = '';

export function isoTime(ms: number): string {
  // NaN never equals itself: an invalid time still throws, as toISOString does.
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
