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
  type ActionRequest,
  type TraderAction,
  type TraderKey,
  type TxnResult,
} from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import { BusUnavailableError, busHealth, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { GAME_CLOCK } from './tokens.js';
import { TxnResultWaiter } from './txn-result-waiter.service.js';

/** How long a gateway waits for the engine's answer before giving up on the request. */
export const ACTION_RESULT_TIMEOUT_MS = 10_000;

@Injectable()
export class ActionSubmitter {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    private readonly waiter: TxnResultWaiter,
  ) {}

  /** A gateway's request: the server gives it a txnId when it has none. */
  submit(trader: TraderKey, request: ActionRequest): Promise<TxnResult> {
    return this.submitAction(trader, actionFromRequest(request, request.body.txnId ?? randomUUID()));
  }

  /**
   * An order with its txnId (a house bot's), stamped with the game time as it
   * leaves. Concurrent submissions of one txnId (a client's retries) each
   * write their order — the engine applies the first and answers the others
   * with the same result — and all resolve with the first answer. While the
   * bus cannot reach its broker it rejects at once with BusUnavailableError
   * (the game is frozen; nothing is queued for later).
   */
  async submitAction(trader: TraderKey, action: TraderAction): Promise<TxnResult> {
    const health = busHealth(this.bus);
    if (health.status === 'degraded') throw new BusUnavailableError(health.reason);
    const stamped = { ...action, order: { ...action.order, time: new Date(this.clock.now()).toISOString() } } as TraderAction;
    const { topic, value } = encodeAction(stamped);
    // Already handled by the waiter: if the publish below fails, this answer's later timeout is nobody's unhandled rejection.
    const answer = this.waiter.expect(trader, action.order.txnId, ACTION_RESULT_TIMEOUT_MS);
    await this.bus.publish(topic, [{ key: encode.traderKey(trader), value }]);
    return answer;
  }
}
