/**
 * The market: state in, events out. It knows the rules of docs/design.md and
 * nothing of Kafka, HTTP or timers — its host tells it the time (every call
 * takes `now`) and publishes the events it returns. Given the same seed and
 * the same calls, it returns the same events.
 */
import {
  ACTIONS,
  type ActionKind,
  type ActionOrder,
  type FeedMonkeysOrder,
  type GameEvent,
  type Gibb,
  type InvestmentOrder,
  type MarketOrder,
  type TraderKey,
  type TraderState,
  type TxnResult,
  type TxnStatus,
  type TxnType,
} from '@banana-market/protocol';
import type { ActionTxnType, EngineEvent, Leaderboard, MarketSnapshot, PriceEvent, TraderAction, TxnResultEvent } from './events.js';
import { gameRandomStreams, type RandomSource } from './random.js';
import { DEFAULT_RULES, type GameRules } from './rules.js';
import { burstProbability, type BurstInProgress } from './rules/bubble-burst.js';
import { readHype, roundCoins } from './rules/hype.js';
import { investmentDelayMs, investmentReturnMultiplier } from './rules/plantations.js';
import { forecastOf, nextBasePrice, nextEma, publishedPrice } from './rules/price-walk.js';
import { stateOf, TraderBook, type TraderAccount } from './trader-book.js';

type ActionRules = {
  readonly [K in ActionKind]: (trader: TraderKey, order: ActionOrder<K>, now: number) => EngineEvent[];
};

export interface MarketEngineOptions {
  readonly seed: string;
  /** Game start, ms since the epoch; the first tick is one tick later. */
  readonly startTime: number;
  readonly rules?: GameRules;
}

interface PendingReturn {
  readonly dueAt: number;
  readonly seq: number;
  readonly trader: TraderKey;
  readonly txnId: string;
  readonly payout: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class MarketEngine {
  readonly rules: GameRules;
  readonly seed: string;
  private readonly random: { price: RandomSource; burst: RandomSource; invest: RandomSource };
  private readonly book: TraderBook;

  private basePrice: number;
  private hype = 0;
  private ema: number;
  private tickCount = 0;
  private lastTickTime: number;
  private nextTickAt: number;

  private alreadyBurst = 0;
  private burst: BurstInProgress | undefined;

  private totalInvested = 0;
  private returnSeq = 0;
  private pendingReturns: PendingReturn[] = [];

  constructor(options: MarketEngineOptions) {
    this.rules = options.rules ?? DEFAULT_RULES;
    this.seed = options.seed;
    this.random = gameRandomStreams(options.seed);
    this.book = new TraderBook(this.rules);
    this.basePrice = this.rules.initialPrice;
    this.ema = this.rules.initialPrice;
    this.lastTickTime = options.startTime;
    this.nextTickAt = options.startTime + this.rules.tickMs;
  }

  // ---- the market -------------------------------------------------------

  /** The price an order executes at right now: base + hype, floored. */
  currentPrice(): number {
    return publishedPrice(this.basePrice, this.hype, this.rules);
  }

  snapshot(): MarketSnapshot {
    const price = this.currentPrice();
    return {
      price,
      forecast: forecastOf(this.ema, price),
      hype: this.hype,
      basePrice: this.basePrice,
      ema: this.ema,
      time: iso(this.lastTickTime),
      tick: this.tickCount,
      burstInProgress: this.burst !== undefined,
    };
  }

  /** When something is next due (a tick, a plantation's return, a burst step). */
  nextDueTime(): number {
    let due = this.nextTickAt;
    if (this.pendingReturns.length > 0) due = Math.min(due, this.pendingReturns[0].dueAt);
    if (this.burst !== undefined) due = Math.min(due, this.burst.nextStepAt);
    return due;
  }

  /**
   * Runs everything due up to `now`, in time order: plantation returns, burst
   * steps, then the price tick (so a tick sees the step due at the same time).
   * Events carry the time they were due, not `now`, so a late host still
   * produces the same game.
   */
  advanceTo(now: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (;;) {
      const due = this.nextDueTime();
      if (due > now) return events;
      const ret = this.pendingReturns[0];
      if (ret !== undefined && ret.dueAt === due) {
        this.pendingReturns.shift();
        events.push(...this.payInvestmentReturn(ret));
      } else if (this.burst !== undefined && this.burst.nextStepAt === due) {
        events.push(...this.stepBurst(due));
      } else {
        events.push(this.tickPrice(due));
      }
    }
  }

  /** Moves every scheduled time later by `ms` (the game was paused that long). */
  postpone(ms: number): void {
    if (ms <= 0) return;
    this.nextTickAt += ms;
    this.pendingReturns = this.pendingReturns.map((r) => ({ ...r, dueAt: r.dueAt + ms }));
    if (this.burst !== undefined) this.burst = { ...this.burst, nextStepAt: this.burst.nextStepAt + ms };
  }

  applyGibb(gibb: Gibb, now: number): EngineEvent[] {
    const reading = readHype(gibb.text, this.rules);
    if (reading.delta === 0) return [];
    this.hype = roundCoins(this.hype + reading.delta);
    const events: EngineEvent[] = [this.gameEvent({ type: 'HYPE_CHANGED', time: iso(now), gibbId: gibb.id, delta: reading.delta, hype: this.hype })];
    if (this.burst === undefined) {
      const p = burstProbability(this.hype, this.alreadyBurst, this.rules);
      if (p > 0 && this.random.burst.next() < p) {
        this.burst = { nextStep: 0, nextStepAt: now + this.rules.burstStepMs };
        events.push(this.gameEvent({ type: 'BUBBLE_BURST_STARTED', time: iso(now), hype: this.hype, steps: this.rules.burstFactors.length }));
      }
    }
    return events;
  }

  private tickPrice(at: number): PriceEvent {
    this.basePrice = nextBasePrice(this.basePrice, this.rules, this.random.price);
    const price = this.currentPrice();
    this.ema = nextEma(this.ema, price, this.rules);
    this.tickCount += 1;
    this.lastTickTime = at;
    this.nextTickAt = at + this.rules.tickMs;
    return {
      kind: 'price',
      tick: this.tickCount,
      price: { time: iso(at), coins: price, forecast: forecastOf(this.ema, price) },
      basePrice: this.basePrice,
      hype: this.hype,
      ema: this.ema,
    };
  }

  private stepBurst(at: number): EngineEvent[] {
    const burst = this.burst!;
    const factor = this.rules.burstFactors[burst.nextStep];
    this.hype = this.hype * factor;
    const steps = this.rules.burstFactors.length;
    const last = burst.nextStep + 1 >= steps;
    if (last) {
      this.burst = undefined;
      this.alreadyBurst = this.hype;
    } else {
      this.burst = { nextStep: burst.nextStep + 1, nextStepAt: at + this.rules.burstStepMs };
    }
    return [this.gameEvent({ type: 'BUBBLE_BURST_STEP', time: iso(at), step: burst.nextStep + 1, steps, factor, hype: this.hype })];
  }

  // ---- traders ----------------------------------------------------------

  registerTrader(trader: TraderKey, now: number): { created: boolean; state: TraderState } {
    const { account, created } = this.book.open(trader, now);
    return { created, state: stateOf(account) };
  }

  traderState(trader: TraderKey): TraderState | undefined {
    const account = this.book.get(trader);
    return account === undefined ? undefined : stateOf(account);
  }

  traders(): { trader: TraderKey; state: TraderState }[] {
    return this.book.all().map((a) => ({ trader: a.trader, state: stateOf(a) }));
  }

  restoreTraderState(trader: TraderKey, state: TraderState): void {
    this.book.restore(trader, state);
  }

  leaderboard(): Leaderboard {
    return this.book.leaderboard();
  }

  // ---- actions ----------------------------------------------------------

  executeAction(trader: TraderKey, action: TraderAction, now: number): EngineEvent[] {
    const rule = this.actionRules[action.kind] as (trader: TraderKey, order: TraderAction['order'], now: number) => EngineEvent[];
    return rule(trader, action.order, now);
  }

  /** The rule of each kind in the protocol's action table: a new kind does not compile until it has one. */
  private readonly actionRules: ActionRules = {
    market: (trader, order, now) => this.executeMarketOrder(trader, order, now),
    invest: (trader, order, now) => this.executeInvestment(trader, order, now),
    feed: (trader, order, now) => this.executeFeedMonkeys(trader, order, now),
  };

  /** BUY n: coins −= n × price, shares += n; SELL n: the reverse. At the price of this moment. */
  executeMarketOrder(trader: TraderKey, order: MarketOrder, now: number): EngineEvent[] {
    return this.applyAction(trader, ACTIONS.market.txnType, order.txnId, now, (account) => {
      const value = order.shares * this.currentPrice();
      if (order.type === 'BUY') {
        if (value > account.coins) return 'INSUFFICIENT_COINS';
        account.coins -= value;
        account.shares += order.shares;
      } else {
        if (order.shares > account.shares) return 'INSUFFICIENT_SHARES';
        account.shares -= order.shares;
        account.coins += value;
      }
      return 'ACCEPTED';
    });
  }

  /** Coins go into a plantation and come back, with interest, after a delay. */
  executeInvestment(trader: TraderKey, order: InvestmentOrder, now: number): EngineEvent[] {
    return this.applyAction(trader, ACTIONS.invest.txnType, order.txnId, now, (account) => {
      if (order.invested > account.coins) return 'INSUFFICIENT_COINS';
      account.coins -= order.invested;
      account.inFlightInvestments += 1;
      this.totalInvested += order.invested;
      const multiplier = investmentReturnMultiplier(this.totalInvested, this.rules, this.random.invest);
      this.schedulePayout({
        dueAt: now + investmentDelayMs(this.totalInvested, this.rules),
        seq: this.returnSeq++,
        trader: account.trader,
        txnId: order.txnId,
        payout: order.invested * multiplier,
      });
      return 'ACCEPTED';
    });
  }

  executeFeedMonkeys(trader: TraderKey, order: FeedMonkeysOrder, now: number): EngineEvent[] {
    return this.applyAction(trader, ACTIONS.feed.txnType, order.txnId, now, (account) => {
      if (order.monkeys > account.shares) return 'INSUFFICIENT_SHARES';
      account.shares -= order.monkeys;
      account.fedMonkeys += order.monkeys;
      return 'ACCEPTED';
    });
  }

  /**
   * Answers an action that could not be read (bad field, unparseable value)
   * with REJECTED and the reason. Changes nothing: not even a new trader is
   * created, and the txnId stays free for a corrected retry.
   */
  rejectAction(trader: TraderKey, type: ActionTxnType, txnId: string, reason: string, now: number): EngineEvent[] {
    const account = this.book.get(trader);
    const state = account !== undefined ? stateOf(account) : { ...this.startingState(), time: iso(now) };
    return [{ kind: 'txn-result', trader, result: { txnId, type, state, status: 'REJECTED', reason } }];
  }

  private startingState(): Omit<TraderState, 'time'> {
    const r = this.rules;
    return { coins: r.startCoins, shares: r.startShares, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
  }

  /**
   * The common shape of every action: replays are answered from memory; the
   * change is applied only if valid; an applied change may trigger a bailout;
   * the trader's state is published when it changed (or the trader is new).
   */
  private applyAction(
    trader: TraderKey,
    type: ActionTxnType,
    txnId: string,
    now: number,
    change: (account: TraderAccount) => TxnStatus,
  ): EngineEvent[] {
    const known = this.book.get(trader);
    const remembered = known?.txns.get(txnId);
    if (known !== undefined && remembered !== undefined) {
      return remembered.map((result): TxnResultEvent => ({ kind: 'txn-result', trader: known.trader, result, replayed: true }));
    }
    const { account, created } = this.book.open(trader, now);
    const status = change(account);
    const applied = status === 'ACCEPTED';
    if (applied) account.time = now;
    const results: TxnResult[] = [this.txnResult(account, txnId, type, status)];
    const events: EngineEvent[] = [];
    if (applied) events.push(...this.bailoutIfBroke(account, txnId, now, results));
    this.book.rememberTxn(account, txnId, results);
    const out: EngineEvent[] = results.map((result) => ({ kind: 'txn-result', trader: account.trader, result }));
    out.push(...events);
    if (applied || created) out.push({ kind: 'trader-state', trader: account.trader, state: stateOf(account) });
    return out;
  }

  /** No plantation in flight, ≤ 3 coins and no shares: the trader is bailed out (and it costs score). */
  private bailoutIfBroke(account: TraderAccount, txnId: string, now: number, results: TxnResult[]): EngineEvent[] {
    const r = this.rules;
    if (account.inFlightInvestments > 0 || account.coins > r.bailoutMaxCoins || account.shares > r.bailoutMaxShares) return [];
    account.coins += r.bailoutCoins;
    account.shares += r.bailoutShares;
    account.bailouts += 1;
    account.time = now;
    results.push(this.txnResult(account, txnId, 'BAILOUT', 'ACCEPTED'));
    return [this.gameEvent({ type: 'BAILOUT', time: iso(now), trader: account.trader, bailouts: account.bailouts })];
  }

  private schedulePayout(payout: PendingReturn): void {
    // Keep the queue sorted by (dueAt, seq); inserts are near the end as delays only grow.
    let i = this.pendingReturns.length;
    while (i > 0 && this.pendingReturns[i - 1].dueAt > payout.dueAt) i--;
    this.pendingReturns.splice(i, 0, payout);
  }

  private payInvestmentReturn(pending: PendingReturn): EngineEvent[] {
    const { account } = this.book.open(pending.trader, pending.dueAt);
    account.coins += pending.payout;
    account.inFlightInvestments = Math.max(0, account.inFlightInvestments - 1);
    account.time = pending.dueAt;
    const results: TxnResult[] = [this.txnResult(account, pending.txnId, 'RETURN', 'ACCEPTED')];
    const events = this.bailoutIfBroke(account, pending.txnId, pending.dueAt, results);
    return [
      ...results.map((result): EngineEvent => ({ kind: 'txn-result', trader: account.trader, result })),
      ...events,
      { kind: 'trader-state', trader: account.trader, state: stateOf(account) },
    ];
  }

  private txnResult(account: TraderAccount, txnId: string, type: TxnType, status: TxnStatus): TxnResult {
    return { txnId, type, state: stateOf(account), status };
  }

  private gameEvent(event: GameEvent): EngineEvent {
    return { kind: 'game-event', event };
  }
}
