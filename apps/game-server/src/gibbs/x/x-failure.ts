/**
 * What went wrong talking to X, reduced to what decides the next move —
 * and described without the request (twitter-api-v2's errors carry it, with
 * the Authorization header), so nothing logged can leak the bearer token.
 */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';

export type XFailure =
  /** TCP/TLS level: refused, reset, dropped mid-response. */
  | { kind: 'network'; description: string }
  /** 429: `resetAt` from x-rate-limit-reset (ms since epoch) when X sent it. */
  | { kind: 'rate-limited'; resetAt: number | undefined; description: string }
  /** 401: the token is wrong; retrying cannot help. */
  | { kind: 'unauthorized'; description: string }
  /** 403: this token's access level cannot use the endpoint (e.g. no filtered stream on the free tier). */
  | { kind: 'forbidden'; description: string }
  /** Any other HTTP error (5xx, 409 "too many connections", ...). */
  | { kind: 'http'; status: number; description: string };

export function classifyXFailure(error: unknown): XFailure {
  if (error instanceof ApiResponseError) {
    const reason = problemTitle(error.data);
    const description = `HTTP ${error.code}${reason ? ` (${reason})` : ''}`;
    if (error.code === 429) {
      const reset = error.rateLimit?.reset;
      return { kind: 'rate-limited', resetAt: typeof reset === 'number' && Number.isFinite(reset) ? reset * 1000 : undefined, description };
    }
    if (error.code === 401) return { kind: 'unauthorized', description };
    if (error.code === 403) return { kind: 'forbidden', description };
    return { kind: 'http', status: error.code, description };
  }
  if (error instanceof ApiRequestError) return { kind: 'network', description: `network error (${networkCode(error.requestError)})` };
  if (error instanceof ApiPartialResponseError) return { kind: 'network', description: `connection dropped (${networkCode(error.responseError)})` };
  return { kind: 'network', description: `unexpected error (${error instanceof Error ? error.name : typeof error})` };
}

function problemTitle(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  for (const field of ['title', 'reason', 'detail']) {
    if (typeof record[field] === 'string') return (record[field] as string).slice(0, 120);
  }
  return undefined;
}

function networkCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'no code';
}

/** Removes a secret from text that might have picked it up (a URL, an echoed header). */
export function redactSecret(text: string, secret: string): string {
  const withoutSecret = secret.length > 0 ? text.split(secret).join('[redacted]') : text;
  // Any other bearer credential (an echoed Authorization header); tokens are long, prose words are not.
  return withoutSecret.replace(/Bearer\s+[A-Za-z0-9%._~+/=-]{12,}/g, 'Bearer [redacted]');
}
