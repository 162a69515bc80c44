/**
 * How the X source reaches X, injectable: the waits between reconnections
 * (X's documented backoff unless a test shortens them) and the HTTPS agent
 * (a proxy in a company network; a test's agent trusting a local fake of X).
 */
import type { Agent } from 'node:https';
import { documentedXRetryPolicy, type XRetryPolicy } from './x-retry-policy.js';

export interface XConnectionOptions {
  readonly retryPolicy?: XRetryPolicy;
  readonly httpsAgent?: Agent;
}

export const X_CONNECTION_OPTIONS = Symbol('X_CONNECTION_OPTIONS');

export function resolveXConnection(options: XConnectionOptions | undefined): { retryPolicy: XRetryPolicy; httpsAgent?: Agent } {
  return { retryPolicy: options?.retryPolicy ?? documentedXRetryPolicy, httpsAgent: options?.httpsAgent };
}
