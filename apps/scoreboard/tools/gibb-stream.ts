/** Gibbs posted on a rhythm through POST /api/gibbs: hype up, hype down, and chatter that moves nothing. */
import { API_PATHS } from '@banana-market/protocol';

export const SAMPLE_GIBBS = [
  'bananas are great, buy buy #MKTD',
  'so happy with my banana plantation #MKTD',
  'this banana bubble will burst, sell now',
  'love the #MKTD banana market, super solid',
  'bad day for bananas, so sad',
  'who wants coffee?',
] as const;

/**
 * Starts posting; returns the function that stops it. Posts as the coach
 * (admin token): a room's client is limited to a few gibbs per window.
 */
export function startGibbs(server: string, everyMs: number, adminToken: string): () => void {
  let next = 0;
  const timer = setInterval(() => {
    const text = SAMPLE_GIBBS[next++ % SAMPLE_GIBBS.length];
    fetch(new URL(API_PATHS.gibbs, server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ text }),
    }).catch((err: unknown) => console.warn(`gibb not posted: ${(err as Error).message}`));
  }, everyMs);
  return () => clearInterval(timer);
}
