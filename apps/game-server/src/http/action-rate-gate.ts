/**
 * The rate limit at the door of the HTTP actions: Express middleware that
 * runs before the body is read, so that a trader flooding the server is
 * refused (429) at the least cost a request can have — no JSON parsing, no
 * guard, pipe or controller — and the calm traders' requests behind its
 * flood wait for as little as possible; the refusal is answered when the
 * trader may retry (RefusalPacer). An admitted request carries the time
 * it was counted at, which its order is stamped with (so the trader's task,
 * counting again, agrees). Requests it cannot attribute to a trader (no
 * token, an unknown one) pass on to the guard, which refuses them in words.
 */
import { ACTIONS_PATH } from '@banana-market/protocol';
import type { ActionSubmitter } from '../game/action-submitter.service.js';
import type { TraderRegistry } from '../game/trader-registry.service.js';
import { sendErrorBody, toErrorBody, type JsonResponse } from './api-exception.filter.js';
import { bearerToken } from './auth.guards.js';

interface GateRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Set for an admitted action: when the rate limit counted it. */
  admittedAt?: number;
}

const ACTION_PREFIX = `${ACTIONS_PATH}/`;

export function actionRateGate(registry: TraderRegistry, submitter: ActionSubmitter) {
  return (req: GateRequest, res: JsonResponse, next: () => void): void => {
    if (req.method !== 'POST' || !req.path.startsWith(ACTION_PREFIX)) return next();
    const token = bearerToken(req.headers.authorization);
    const trader = token === undefined ? undefined : registry.traderForToken(token);
    if (trader === undefined) return next();
    const { at, retryAfterMs } = submitter.admit(trader);
    if (retryAfterMs > 0) {
      const refusal = toErrorBody(submitter.refusal(retryAfterMs, 'http'));
      submitter.pacer.hold(trader, retryAfterMs, () => sendErrorBody(res, refusal));
      return;
    }
    req.admittedAt = at;
    next();
  };
}

/** When the gate counted this request (undefined: it did not, e.g. a request that did not come through Express). */
export function admittedAt(request: unknown): number | undefined {
  return (request as GateRequest).admittedAt;
}
