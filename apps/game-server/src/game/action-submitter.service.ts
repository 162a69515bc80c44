/**
 * The gateways' way to act for a trader: the request becomes a protocol
 * message on the action topic, exactly as a Kafka client would write it, and
 * the answer is read back from txn-results. So HTTP, WebSocket and Kafka share
 * one validation and one engine path, and per-trader order is the partition's.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  encode,
  TOPICS,
  type FeedActionBody,
  type InvestActionBody,
  type MarketActionBody,
  type TraderKey,
  type TxnResult,
} from '@banana-market/sdk';
import type { Clock } from '@banana-market/engine';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { GAME_CLOCK } from './tokens.js';
import { TxnResultWaiter } from './txn-result-waiter.service.js';

export type SubmittedAction =
  | { readonly kind: 'market'; readonly body: MarketActionBody }
  | { readonly kind: 'invest'; readonly body: InvestActionBody }
  | { readonly kind: 'feed'; readonly body: FeedActionBody };

/** How long a gateway waits for the engine's answer before giving up on the request. */
export const ACTION_RESULT_TIMEOUT_MS = 10_000;

@Injectable()
export class ActionSubmitter {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    private readonly waiter: TxnResultWaiter,
  ) {}

  async submit(trader: TraderKey, action: SubmittedAction): Promise<TxnResult> {
    const txnId = action.body.txnId ?? randomUUID();
    const time = new Date(this.clock.now()).toISOString();
    const { topic, value } = this.toMessage(action, txnId, time);
    const answer = this.waiter.expect(trader, txnId, ACTION_RESULT_TIMEOUT_MS);
    await this.bus.publish(topic, [{ key: encode.traderKey(trader), value }]);
    return answer;
  }

  private toMessage(action: SubmittedAction, txnId: string, time: string): { topic: string; value: string } {
    switch (action.kind) {
      case 'market':
        return {
          topic: TOPICS.marketOrders.name,
          value: encode.marketOrder({ time, txnId, type: action.body.type, shares: action.body.shares }),
        };
      case 'invest':
        return {
          topic: TOPICS.investmentOrders.name,
          value: encode.investmentOrder({ time, txnId, invested: action.body.invested }),
        };
      case 'feed':
        return { topic: TOPICS.feedMonkeys.name, value: encode.feedMonkeys({ time, txnId, monkeys: action.body.monkeys }) };
    }
  }
}
