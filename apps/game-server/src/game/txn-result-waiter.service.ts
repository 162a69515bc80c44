/**
 * Lets a gateway (HTTP, WebSocket) wait for the result of an action it put on
 * an action topic, by reading txn-results like any other client would.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ACTION_TXN_TYPES, decodeMessage, TOPICS, traderId, type TraderKey, type TxnResult } from '@banana-market/protocol';
import { MESSAGE_BUS, type MessageBus, type Subscription } from '../bus/message-bus.js';

export class TxnTimeoutError extends Error {
  constructor(txnId: string, timeoutMs: number) {
    super(`no result for transaction "${txnId}" within ${timeoutMs} ms`);
  }
}

interface Waiter {
  resolve(result: TxnResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

@Injectable()
export class TxnResultWaiter implements OnModuleInit, OnApplicationShutdown {
  private readonly waiters = new Map<string, Waiter>();
  private subscription?: Subscription;
  /** Each server instance reads every result, so its group is its own. */
  private readonly groupId = `banana-market-gateway-results-${randomUUID()}`;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [TOPICS.txnResults.name],
      commitOffsets: false,
      onMessage: (message) => {
        const trader = decodeMessage.traderKey(message.key);
        const result = decodeMessage.txnResult(message.value);
        if (!trader.ok || !result.ok || !ACTION_TXN_TYPES.has(result.value.type)) return;
        const id = waiterId(trader.value, result.value.txnId);
        const waiter = this.waiters.get(id);
        if (waiter === undefined) return;
        this.waiters.delete(id);
        clearTimeout(waiter.timer);
        waiter.resolve(result.value);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('server is shutting down'));
    }
    this.waiters.clear();
  }

  /** Registers interest before the action is sent, so the answer cannot be missed. */
  expect(trader: TraderKey, txnId: string, timeoutMs: number): Promise<TxnResult> {
    const id = waiterId(trader, txnId);
    if (this.waiters.has(id)) return Promise.reject(new Error(`transaction "${txnId}" is already being waited for`));
    return new Promise((resolve, reject) => {
      // Wall-clock timeout on purpose: it guards the HTTP request, not the game.
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new TxnTimeoutError(txnId, timeoutMs));
      }, timeoutMs);
      this.waiters.set(id, { resolve, reject, timer });
    });
  }
}

function waiterId(trader: TraderKey, txnId: string): string {
  return `${traderId(trader)}\u0000${txnId}`;
}
