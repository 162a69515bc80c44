/**
 * The player's client: one typed API whatever the transport. Each action
 * returns a promise of its transaction result, matched by txnId, with a
 * timeout; orders are checked with the protocol's own schemas before they
 * leave, so a mistake gets a clear message at once.
 */
import {
  ACTION_TXN_TYPES,
  ACTIONS,
  validate,
  type ActionKind,
  type ActionOrder,
  type GameEvent,
  type Gibb,
  type SharePrice,
  type TraderAction,
  type TraderKey,
  type TraderState,
  type TxnResult,
} from '@banana-market/protocol';
import type { BotTransport } from './transport.js';

export class TxnTimeoutError extends Error {
  override readonly name = 'TxnTimeoutError';
}

export class OrderRefusedError extends Error {
  override readonly name = 'OrderRefusedError';
}

export interface BananaClientOptions {
  /** How long an action waits for its result (default 10 s). */
  readonly resultTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

interface Pending {
  resolve(result: TxnResult): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class BananaClient {
  private readonly priceListeners = new Set<Listener<SharePrice>>();
  private readonly resultListeners = new Set<Listener<TxnResult>>();
  private readonly gibbListeners = new Set<Listener<Gibb>>();
  private readonly gameEventListeners = new Set<Listener<GameEvent>>();
  private readonly statusListeners = new Set<Listener<string>>();
  private readonly pending = new Map<string, Pending>();
  private latestState: TraderState | undefined;
  private latestPrice: SharePrice | undefined;
  private txnCounter = 0;
  private readonly runId = Date.now().toString(36);
  private fatalError: Error | undefined;
  private readonly fatalListeners = new Set<Listener<Error>>();

  private constructor(
    private readonly transport: BotTransport,
    private readonly options: BananaClientOptions,
  ) {}

  static async connect(transport: BotTransport, options: BananaClientOptions = {}): Promise<BananaClient> {
    const client = new BananaClient(transport, options);
    await transport.connect({
      price: (price) => {
        client.latestPrice = price;
        for (const l of client.priceListeners) l(price);
      },
      result: (result) => client.receiveResult(result),
      state: (state) => (client.latestState = state),
      gibb: (gibb) => client.gibbListeners.forEach((l) => l(gibb)),
      gameEvent: (event) => client.gameEventListeners.forEach((l) => l(event)),
      refused: (reason, txnId) => client.refuse(reason, txnId),
      status: (message) => client.statusListeners.forEach((l) => l(message)),
      fatal: (error) => {
        client.fatalError = error;
        client.fatalListeners.forEach((l) => l(error));
      },
    });
    return client;
  }

  get trader(): TraderKey {
    return this.transport.trader;
  }

  /** The trader's state as last reported (undefined until the first result or state). */
  get state(): TraderState | undefined {
    return this.latestState;
  }

  get price(): SharePrice | undefined {
    return this.latestPrice;
  }

  onPrice(listener: Listener<SharePrice>): () => void {
    return subscribe(this.priceListeners, listener);
  }

  /** Every result of this trader, including RETURNs of plantations and BAILOUTs. */
  onResult(listener: Listener<TxnResult>): () => void {
    return subscribe(this.resultListeners, listener);
  }

  onGibb(listener: Listener<Gibb>): () => void {
    return subscribe(this.gibbListeners, listener);
  }

  /** Hype changes, bursts, pauses and the end of the game. */
  onGameEvent(listener: Listener<GameEvent>): () => void {
    return subscribe(this.gameEventListeners, listener);
  }

  onStatus(listener: Listener<string>): () => void {
    return subscribe(this.statusListeners, listener);
  }

  onFatal(listener: Listener<Error>): () => void {
    if (this.fatalError !== undefined) listener(this.fatalError);
    return subscribe(this.fatalListeners, listener);
  }

  buy(shares: number): Promise<TxnResult> {
    return this.act('market', { txnId: this.nextTxnId(), type: 'BUY', shares });
  }

  sell(shares: number): Promise<TxnResult> {
    return this.act('market', { txnId: this.nextTxnId(), type: 'SELL', shares });
  }

  invest(coins: number): Promise<TxnResult> {
    return this.act('invest', { txnId: this.nextTxnId(), invested: coins });
  }

  feed(monkeys: number): Promise<TxnResult> {
    return this.act('feed', { txnId: this.nextTxnId(), monkeys });
  }

  /** Sends an already-built action (e.g. from a strategy's decision). */
  execute(action: TraderAction): Promise<TxnResult> {
    return this.act(action.kind, action.order);
  }

  nextTxnId(): string {
    return `${this.trader.name}-${this.runId}-${++this.txnCounter}`;
  }

  async close(): Promise<void> {
    for (const [txnId, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`closed before the result of ${txnId} arrived`));
    }
    this.pending.clear();
    await this.transport.close();
  }

  /** Checks the order with its action's own schema before it leaves, so a mistake is told at once. */
  private async act<K extends ActionKind>(kind: K, order: ActionOrder<K>): Promise<TxnResult> {
    const checked = validate(ACTIONS[kind].orderSchema as Parameters<typeof validate>[0], order, 'order');
    if (!checked.ok) throw new OrderRefusedError(`invalid ${kind} order: ${checked.error.message}`);
    const action = { kind, order: checked.value } as TraderAction;
    const txnId = action.order.txnId;
    const timeoutMs = this.options.resultTimeoutMs ?? 10_000;
    const answer = new Promise<TxnResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(txnId);
        reject(new TxnTimeoutError(`no result for ${kind} order ${txnId} within ${timeoutMs} ms (is the game running?)`));
      }, timeoutMs);
      this.pending.set(txnId, { resolve, reject, timer });
    });
    // close() (or the timeout) may reject the answer while the send is still on its way, before it is
    // returned to anyone: marked handled here, so that is no unhandled rejection (the caller still gets it).
    answer.catch(() => undefined);
    try {
      await this.transport.send(action);
    } catch (err) {
      const p = this.pending.get(txnId);
      if (p !== undefined) clearTimeout(p.timer);
      this.pending.delete(txnId);
      throw err;
    }
    return answer;
  }

  private receiveResult(result: TxnResult): void {
    this.latestState = result.state;
    for (const l of this.resultListeners) l(result);
    if (!ACTION_TXN_TYPES.has(result.type)) return; // a BAILOUT or RETURN follows an action under its txnId
    const p = this.pending.get(result.txnId);
    if (p === undefined) return;
    this.pending.delete(result.txnId);
    clearTimeout(p.timer);
    p.resolve(result);
  }

  private refuse(reason: string, txnId: string | undefined): void {
    if (txnId === undefined) return;
    const p = this.pending.get(txnId);
    if (p === undefined) return;
    this.pending.delete(txnId);
    clearTimeout(p.timer);
    p.reject(new OrderRefusedError(reason));
  }
}

function subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => set.delete(listener);
}
