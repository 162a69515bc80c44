/**
 * Posting a gibb and reading the server's answer: accepted, or refused with
 * the message the server wrote for people (too long, too many, closed) and,
 * for a rate limit, how long to wait.
 */
import { API_PATHS, errorBodySchema, gibbSchema, type Gibb } from '@banana-market/protocol';

export type PostOutcome =
  | { readonly kind: 'accepted'; readonly gibb: Gibb }
  | { readonly kind: 'refused'; readonly message: string; readonly retryAfterSeconds?: number };

export async function postGibb(server: string, text: string, fetchImpl: typeof fetch = fetch): Promise<PostOutcome> {
  let response: Response;
  try {
    response = await fetchImpl(new URL(API_PATHS.gibbs, server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  } catch {
    return { kind: 'refused', message: 'The game server cannot be reached. Check the Wi-Fi and try again.' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const gibb = gibbSchema.safeParse(body);
    if (gibb.success) return { kind: 'accepted', gibb: gibb.data };
    return { kind: 'refused', message: 'The server answered something unexpected.' };
  }
  const error = errorBodySchema.safeParse(body);
  const message = error.success ? capitalise(error.data.message) : `The server refused it (HTTP ${response.status}).`;
  const retryAfter = Number(response.headers.get('retry-after-gibber') ?? response.headers.get('retry-after'));
  return { kind: 'refused', message, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
