/**
 * Lets a gateway (HTTP, WebSocket) wait for the result of an action it put on
 * an action topic, by reading txn-results and txn-rejections like any other
 * client would — the server's one read of them: the live feed takes every
 * answer from here (onAnswer) rather than read them again. A rejection is
 * answered as the REJECTED result it has always been over HTTP and
 * WebSocket. A result of this server's own task is
 * answered as soon as its transaction committed, as the bytes it committed
 * read back — without waiting for the subscription to fetch them.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, ACTION_TXN_TYPES, decodeTxnAnswer, encode, TOPICS, traderId, type TraderKey, type TxnResult } from '@banana-market/protocol';
import type { EngineEvent } from '@banana-market/engine';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type Subscription } from '../bus/message-bus.js';
import { GameService } from './game.service.js';
import { publishedResult } from './published-answers.js';
import { decodeTraderKey } from './trader-key-decoder.js';

export class TxnTimeoutError extends Error {
  constructor(txnId: string, timeoutMs: number) {
    super(`no result for transaction "${txnId}" within ${timeoutMs} ms`);
  }
}

/** How late an answer of another server's task may be read (Kafka; see SubscribeOptions.bulkReadDelayMs). */
const REMOTE_ANSWER_READ_DELAY_MS = 25;

interface Waiter {
  readonly answer: Promise<TxnResult>;
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

  private stopLocalAnswers?: () => void;
  /** Who else wants every answer as it is read (the live feed). */
  private readonly answerListeners = new Set<(message: BusMessage) => void>();

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly game: GameService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopLocalAnswers = this.game.onCommitted((events) => this.committed(events));
    // The topics first, all of them checked as one (the services of a module start side by side).
    await this.bus.ensureTopics(ALL_TOPICS);
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      topics: [TOPICS.txnResults.name, TOPICS.txnRejections.name],
      commitOffsets: false,
      // Read in bulk: this server's own answers come from its commits at once (not fetched back); only another server's wait this long more.
      bulkReadDelayMs: REMOTE_ANSWER_READ_DELAY_MS,
      ownWritesFromCommits: true,
      onMessage: (message) => this.receive(message),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopLocalAnswers?.();
    await this.subscription?.close();
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('server is shutting down'));
    }
    this.waiters.clear();
  }

  /**
   * Registers interest before the action is sent, so the answer cannot be
   * missed. Whoever waits for the same trader and txnId at the same time (a
   * retry sent before the first answer came) shares the one answer. The
   * promise is already handled: a caller that drops it (its send failed)
   * leaves no unhandled rejection behind.
   */
  expect(trader: TraderKey, txnId: string, timeoutMs: number): Promise<TxnResult> {
    const id = waiterId(trader, txnId);
    const pending = this.waiters.get(id);
    if (pending !== undefined) return pending.answer;
    let settle!: Pick<Waiter, 'resolve' | 'reject'>;
    const answer = new Promise<TxnResult>((resolve, reject) => {
      settle = { resolve, reject };
    });
    answer.catch(() => undefined);
    // Wall-clock timeout on purpose: it guards the HTTP request, not the game.
    const timer = setTimeout(() => {
      if (this.waiters.get(id)?.answer === answer) this.waiters.delete(id);
      settle.reject(new TxnTimeoutError(txnId, timeoutMs));
    }, timeoutMs);
    this.waiters.set(id, { answer, ...settle, timer });
    return answer;
  }

  /** Every message of txn-results and txn-rejections from now on, as read; returns the unsubscribe. */
  onAnswer(listener: (message: BusMessage) => void): () => void {
    this.answerListeners.add(listener);
    return () => this.answerListeners.delete(listener);
  }

  /** How many answers are awaited (for tests and health). */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Committed results of this server's tasks. Refusals are left to the topic: theirs carry the field the
   * decoder blamed, which the engine's event does not.
   */
  private committed(events: readonly EngineEvent[]): void {
    if (this.waiters.size === 0) return;
    for (const event of events) {
      if (event.kind !== 'txn-result' || event.result.status === 'REJECTED') continue;
      const waiter = this.waiters.get(waiterId(event.trader, event.result.txnId));
      if (waiter === undefined) continue;
      const result = decodeTxnAnswer(TOPICS.txnResults.name, encode.txnResult(event.result));
      if (result !== undefined && ACTION_TXN_TYPES.has(result.type)) this.settle(waiterId(event.trader, event.result.txnId), result);
    }
  }

  private receive(message: BusMessage): void {
    for (const listener of this.answerListeners) listener(message);
    // Every result of the game comes through here; decoding them costs, and without a waiter none matters.
    if (this.waiters.size === 0) return;
    const trader = decodeTraderKey(message.key);
    if (!trader.ok) return;
    // This process's own results come with their value (published-answers): not decoded again.
    const result = publishedResult(message) ?? decodeTxnAnswer(message.topic, message.value);
    if (result === undefined || !ACTION_TXN_TYPES.has(result.type)) return;
    this.settle(waiterId(trader.value, result.txnId), result);
  }

  private settle(id: string, result: TxnResult): void {
    const waiter = this.waiters.get(id);
    if (waiter === undefined) return;
    this.waiters.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(result);
  }
}

function waiterId(trader: TraderKey, txnId: string): string {
  return `${traderId(trader)}\u0000${txnId}`;
}
