/**
 * The gateways' way to act for a trader: the request becomes a protocol
 * message on the action topic, exactly as a Kafka client would write it, and
 * the answer is read back from txn-results. So HTTP, WebSocket and Kafka share
 * one validation and one engine path, and per-trader order is the partition's.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  actionFromRequest,
  encode,
  encodeAction,
  rateLimitedReason,
  RATE_LIMITED,
  traderId,
  type ActionRateLimit,
  type ActionRequest,
  type TraderAction,
  type TraderKey,
  type TxnResult,
} from '@banana-market/protocol';
import { ActionRateLimiter, type Clock } from '@banana-market/engine';
import { BusUnavailableError, busHealth, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GAME_CLOCK } from './tokens.js';
import { TraderActivityView } from '../read-models/trader-activity.view.js';
import { RefusalPacer } from './refusal-pacer.js';
import { TxnResultWaiter } from './txn-result-waiter.service.js';
import { answerLabel, GameMetrics } from '../metrics/game-metrics.js';

/** How long a gateway waits for the engine's answer before giving up on the request. */
export const ACTION_RESULT_TIMEOUT_MS = 10_000;

/** An action over the trader's rate limit, refused before it is written: HTTP 429, a WebSocket error. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = RATE_LIMITED;

  constructor(
    limit: ActionRateLimit,
    readonly retryAfterMs: number,
  ) {
    super(rateLimitedReason(limit, retryAfterMs));
  }
}

@Injectable()
export class ActionSubmitter {
  /**
   * The gateways' own count of the rate limit: a flood is refused here, before it costs the game
   * anything. The trader's task counts again, at the same (stamped) times, and so agrees.
   */
  private readonly rateLimiter: ActionRateLimiter;
  /** When the gateways answer the refusals: at the trader's Retry-After, each waiting one a token after the one before. */
  readonly pacer: RefusalPacer;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(SERVER_CONFIG) config: ServerConfig,
    private readonly waiter: TxnResultWaiter,
    private readonly activity: TraderActivityView,
    private readonly metrics: GameMetrics,
  ) {
    this.rateLimiter = new ActionRateLimiter(config.actionRateLimit);
    this.pacer = new RefusalPacer(config.actionRateLimit);
  }

  /**
   * Counts an action of the trader against the rate limit now, before anything else is done with it
   * (the HTTP gateway asks first thing, before it even reads the body): the time it was counted at, and
   * 0 or how long to wait. An admitted action is then submitted with that time.
   */
  admit(trader: TraderKey): { readonly at: number; readonly retryAfterMs: number } {
    const at = this.clock.now();
    return { at, retryAfterMs: this.rateLimiter.take(traderId(trader), at) };
  }

  /** A refusal for an action `admit` did not let through (`via` the gateway that refuses it). */
  refusal(retryAfterMs: number, via?: 'http' | 'websocket'): RateLimitedError {
    if (via !== undefined) this.metrics.answered(via, RATE_LIMITED);
    return new RateLimitedError(this.rateLimiter.limit, retryAfterMs);
  }

  /**
   * A gateway's request (`via` which one): the server gives it a txnId when it has none. `admittedAt`:
   * the time `admit` already counted it at (else it is counted here).
   */
  submit(trader: TraderKey, request: ActionRequest, via: 'http' | 'websocket', admittedAt?: number): Promise<TxnResult> {
    return this.submitAction(trader, actionFromRequest(request, request.body.txnId ?? randomUUID()), via, admittedAt);
  }

  /**
   * An order with its txnId (a house bot's), stamped with the game time as it
   * leaves. Concurrent submissions of one txnId (a client's retries) each
   * write their order — the engine applies the first and answers the others
   * with the same result — and all resolve with the first answer. While the
   * bus cannot reach its broker it rejects at once with BusUnavailableError
   * (the game is frozen; nothing is queued for later), and over the trader's
   * rate limit with RateLimitedError (nothing is written).
   */
  async submitAction(trader: TraderKey, action: TraderAction, via?: 'http' | 'websocket', admittedAt?: number): Promise<TxnResult> {
    const health = busHealth(this.bus);
    if (health.status === 'degraded') throw new BusUnavailableError(health.reason);
    let now = admittedAt;
    if (now === undefined) {
      const admission = this.admit(trader);
      if (admission.retryAfterMs > 0) throw this.refusal(admission.retryAfterMs, via);
      now = admission.at;
    }
    if (via !== undefined) this.activity.wrote(trader, via);
    const stamped = { ...action, order: { ...action.order, time: new Date(now).toISOString() } } as TraderAction;
    const { topic, value } = encodeAction(stamped);
    // Already handled by the waiter: if the publish below fails, this answer's later timeout is nobody's unhandled rejection.
    const answer = this.waiter.expect(trader, action.order.txnId, ACTION_RESULT_TIMEOUT_MS);
    const sent = performance.now();
    await this.bus.publish(topic, [{ key: encode.traderKey(trader), value }]);
    if (via === undefined) return answer;
    const result = await answer;
    this.metrics.answered(via, answerLabel(result), (performance.now() - sent) / 1000);
    return result;
  }
}
