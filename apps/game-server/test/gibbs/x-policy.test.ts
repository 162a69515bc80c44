/** X's documented reconnection waits, the failure classes they depend on, and redaction. */
import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { classifyXFailure, redactSecret } from '../../src/gibbs/x/x-failure.js';
import { documentedXRetryPolicy } from '../../src/gibbs/x/x-retry-policy.js';

const NOW = Date.UTC(2026, 10, 22, 10);
const responseError = (code: number, data: unknown, reset?: number) =>
  new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data,
    headers: {},
    request: {} as never,
    response: {} as never,
    rateLimit: reset === undefined ? undefined : { limit: 50, remaining: 0, reset },
  });

describe('the X retry policy', () => {
  it('backs off linearly by 250 ms for network errors, up to 16 s', () => {
    const waits = [1, 2, 3, 10, 64, 65, 1000].map((n) => documentedXRetryPolicy(n, { kind: 'network', description: '' }, NOW));
    expect(waits).toEqual([250, 500, 750, 2500, 16_000, 16_000, 16_000]);
  });

  it('backs off exponentially from 5 s for HTTP errors, up to 320 s', () => {
    const waits = [1, 2, 3, 7, 8, 20].map((n) => documentedXRetryPolicy(n, { kind: 'http', status: 503, description: '' }, NOW));
    expect(waits).toEqual([5000, 10_000, 20_000, 320_000, 320_000, 320_000]);
  });

  it('waits for the rate-limit reset when X announces it, else doubles from one minute', () => {
    expect(documentedXRetryPolicy(1, { kind: 'rate-limited', resetAt: NOW + 42_000, description: '' }, NOW)).toBe(43_000);
    expect(documentedXRetryPolicy(1, { kind: 'rate-limited', resetAt: undefined, description: '' }, NOW)).toBe(60_000);
    expect(documentedXRetryPolicy(3, { kind: 'rate-limited', resetAt: undefined, description: '' }, NOW)).toBe(240_000);
    // A reset long past is stale information: back off instead of hammering.
    expect(documentedXRetryPolicy(2, { kind: 'rate-limited', resetAt: NOW - 60_000, description: '' }, NOW)).toBe(120_000);
  });
});

describe('X failures', () => {
  it('classifies what decides the next move, from status and code only', () => {
    expect(classifyXFailure(responseError(429, { title: 'Too Many Requests' }, NOW / 1000 + 5))).toEqual({
      kind: 'rate-limited',
      resetAt: NOW + 5000,
      description: 'HTTP 429 (Too Many Requests)',
    });
    expect(classifyXFailure(responseError(403, { title: 'Client Forbidden', reason: 'client-not-enrolled' }))).toMatchObject({
      kind: 'forbidden',
      description: 'HTTP 403 (Client Forbidden)',
    });
    expect(classifyXFailure(responseError(401, 'Unauthorized'))).toMatchObject({ kind: 'unauthorized', description: 'HTTP 401' });
    expect(classifyXFailure(responseError(503, undefined))).toMatchObject({ kind: 'http', status: 503 });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyXFailure(new ApiRequestError('Request failed', { request: {} as never, requestError: refused }))).toEqual({
      kind: 'network',
      description: 'network error (ECONNREFUSED)',
    });
  });

  it('redacts the token and any bearer credential, not prose about bearer tokens', () => {
    const token = 'AAAAAAAAAAAAAAAAAAAAAxyz%2Fsecret';
    expect(redactSecret(`GET /2/x?token=${token} failed`, token)).toBe('GET /2/x?token=[redacted] failed');
    expect(redactSecret('authorization: Bearer abcdefghijklmnopqrstuvwxyz', token)).toBe('authorization: Bearer [redacted]');
    expect(redactSecret('the bearer token was refused', token)).toBe('the bearer token was refused');
  });
});
