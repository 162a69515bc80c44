/**
 * The market: state in, events out. It knows the rules of docs/design.md and
 * nothing of Kafka, HTTP or timers — its host tells it the time (every call
 * takes `now`) and publishes the events it returns. Given the same seed and
 * the same calls, it returns the same events.
 */
import {
  ACTIONS,
  changelogKey,
  gibbAuthor,
  traderId,
  type ActionKind,
  type ActionOrder,
  type FeedMonkeysOrder,
  type GameEvent,
  type Gibb,
  type InvestmentOrder,
  type MarketOrder,
  type MarketRecord,
  type RecentInvestmentRecord,
  type ReturnRecord,
  type TraderKey,
  type TraderState,
  type TxnResult,
  type TxnStatus,
  type TxnMemoryRecord,
  type TxnType,
} from '@banana-market/protocol';
import type { ActionTxnType, EngineEvent, Leaderboard, MarketSnapshot, PriceEvent, TraderAction, TxnResultEvent } from './events.js';
import { NO_PLANTATION_LOAD, sumPlantationLoads, type PlantationLoad } from './plantation-load.js';
import { isoTime } from './iso-time.js';
import { gameRandomStreams, type GameRandomStreams } from './random.js';
import { DEFAULT_RULES, type GameRules } from './rules.js';
import { burstProbability, type BurstInProgress } from './rules/bubble-burst.js';
import { readHype, roundCoins } from './rules/hype.js';
import { expectedYield, investmentDelayMs, investmentReturnMultiplier, saturatingMultiplier } from './rules/plantations.js';
import { forecastOf, nextBasePrice, nextEma, nextFundamental, publishedPrice } from './rules/price-walk.js';
import { stateOf, TraderBook, type TraderAccount } from './trader-book.js';

type ActionRules = {
  readonly [K in ActionKind]: (trader: TraderKey, order: ActionOrder<K>, now: number) => EngineEvent[];
};

export interface MarketEngineOptions {
  readonly seed: string;
  /** Game start, ms since the epoch; the first tick is one tick later. */
  readonly startTime: number;
  readonly rules?: GameRules;
  /** Keep what changed for takeChanges (a host that stores the game); off, nothing accumulates (simulations). */
  readonly trackChanges?: boolean;
  /**
   * 'market' (default): this engine moves the market (ticks, bursts, gibbs).
   * 'task': it holds some traders of a game whose market another engine
   * moves; it only pays plantations, and followMarket brings it the market.
   */
  readonly role?: EngineRole;
  /** Names this engine's own random streams (see gameRandomStreams); default: the game's. */
  readonly randomStream?: string;
  /** The plantation load of the rest of the game (other tasks), added to this engine's own; default: none. */
  readonly externalLoad?: () => PlantationLoad;
}

export type EngineRole = 'market' | 'task';

/** The part of the market record a task takes from the market's engine: prices, hype and burst, not plantations nor random streams. */
export type FollowedMarket = Pick<
  MarketRecord,
  'basePrice' | 'fundamental' | 'hype' | 'ema' | 'tick' | 'lastTickTime' | 'nextTickAt' | 'alreadyBurst' | 'burst'
>;

const FOLLOWED_NUMBERS = ['basePrice', 'fundamental', 'hype', 'ema', 'tick', 'lastTickTime', 'nextTickAt', 'alreadyBurst'] as const;

function sameMarket(a: FollowedMarket, b: FollowedMarket): boolean {
  return FOLLOWED_NUMBERS.every((k) => a[k] === b[k]) && a.burst?.nextStep === b.burst?.nextStep && a.burst?.nextStepAt === b.burst?.nextStepAt;
}

type PendingReturn = ReturnRecord;

/** A trader's account as the host restored it (from trader-states). */
export interface RestoredAccount {
  readonly trader: TraderKey;
  readonly state: TraderState;
}

/** Everything an engine is, as its host stores it (see game-changelog.ts in the protocol). */
export interface EngineSave {
  readonly market: MarketRecord;
  readonly returns: readonly ReturnRecord[];
  readonly recent: readonly RecentInvestmentRecord[];
  readonly txns: readonly TxnMemoryRecord[];
  readonly accounts: readonly RestoredAccount[];
}

/**
 * What changed since the host last asked: the market's record when it moved,
 * plantations planted (a record) or paid (null), txnIds remembered (a
 * record) or forgotten (null). Accounts are not here: every change of one is
 * already a trader-state event.
 */
export interface EngineChanges {
  readonly market: MarketRecord | undefined;
  readonly returns: ReadonlyMap<number, ReturnRecord | null>;
  readonly recent: ReadonlyMap<number, RecentInvestmentRecord | null>;
  readonly txns: ReadonlyMap<string, TxnMemoryRecord | null>;
}

export class MarketEngine {
  readonly rules: GameRules;
  readonly seed: string;
  readonly role: EngineRole;
  private readonly random: GameRandomStreams;
  private readonly externalLoad: () => PlantationLoad;
  private readonly book: TraderBook;

  private basePrice: number;
  /** What the base price reverts to; never published (the forecast points at it). */
  private fundamental: number;
  private hype = 0;
  private ema: number;
  private tickCount = 0;
  private lastTickTime: number;
  private nextTickAt: number;

  private alreadyBurst = 0;
  private burst: BurstInProgress | undefined;

  private totalInvested = 0;
  /** Investments within the saturation window, oldest first, and their sum. */
  private recentInvestments: RecentInvestmentRecord[] = [];
  private recentInvestedCoins = 0;
  /** Coins each trader has growing (by trader id), kept as running sums (stored with the market). */
  private readonly growingCoins = new Map<string, number>();
  /** When each author's recent gibbs moved the hype (by author). */
  private readonly authorGibbTimes = new Map<string, number[]>();
  private returnSeq = 0;
  private pendingReturns: PendingReturn[] = [];
  /** Order in which txnIds were remembered, so a restored memory forgets the same ones first. */
  private txnSeq = 0;

  private marketChanged = true;
  private readonly changedReturns = new Map<number, ReturnRecord | null>();
  private readonly changedRecent = new Map<number, RecentInvestmentRecord | null>();
  private readonly changedTxns = new Map<string, TxnMemoryRecord | null>();
  private readonly trackChanges: boolean;

  constructor(options: MarketEngineOptions, saved?: EngineSave) {
    this.rules = options.rules ?? DEFAULT_RULES;
    this.seed = options.seed;
    this.trackChanges = options.trackChanges ?? false;
    this.role = options.role ?? 'market';
    this.externalLoad = options.externalLoad ?? (() => NO_PLANTATION_LOAD);
    this.random = gameRandomStreams(options.seed, saved?.market.random, options.randomStream);
    this.book = new TraderBook(this.rules);
    this.basePrice = this.rules.initialPrice;
    this.fundamental = this.rules.initialPrice;
    this.ema = this.rules.initialPrice;
    this.lastTickTime = options.startTime;
    this.nextTickAt = options.startTime + this.rules.tickMs;
    if (saved !== undefined) this.load(saved);
  }

  // ---- what to store ----------------------------------------------------

  /** The market's record: prices, hype, burst, plantation loads and where each random stream is. */
  marketRecord(): MarketRecord {
    return {
      ...this.followedMarket(),
      totalInvested: this.totalInvested,
      recentInvestedCoins: this.recentInvestedCoins,
      growingCoins: [...this.growingCoins],
      authorGibbTimes: [...this.authorGibbTimes].map(([author, times]): [string, number[]] => [author, [...times]]),
      nextReturnSeq: this.returnSeq,
      random: {
        price: this.random.price.state(),
        fundamental: this.random.fundamental.state(),
        burst: this.random.burst.state(),
        invest: this.random.invest.state(),
      },
    };
  }

  /** Every stored entry of this engine, for a host that saves it whole (the market, plantations, txn memory). */
  save(): EngineSave {
    return {
      market: this.marketRecord(),
      returns: this.pendingReturns.map((r) => ({ ...r })),
      recent: this.recentInvestments.map((r) => ({ ...r })),
      txns: this.rememberedTxns(),
      accounts: this.traders().map(({ trader, state }) => ({ trader, state })),
    };
  }

  /** What changed since the last call (see EngineChanges); the host writes it beside the events. */
  takeChanges(): EngineChanges {
    const changes: EngineChanges = {
      market: this.marketChanged ? this.marketRecord() : undefined,
      returns: handOver(this.changedReturns),
      recent: handOver(this.changedRecent),
      txns: handOver(this.changedTxns),
    };
    this.marketChanged = false;
    return changes;
  }

  /** The keys of every stored entry but the market's (a reset deletes them). */
  storedKeys(): { returns: number[]; recent: number[]; txns: string[] } {
    return {
      returns: this.pendingReturns.map((r) => r.seq),
      recent: this.recentInvestments.map((r) => r.seq),
      txns: this.rememberedTxns().map((t) => changelogKey.txn(t.trader, t.txnId)),
    };
  }

  private track<K, V>(changes: Map<K, V>, key: K, value: V): void {
    if (this.trackChanges) changes.set(key, value);
  }

  private rememberedTxns(): TxnMemoryRecord[] {
    return this.book
      .all()
      .flatMap((account) => [...account.txns].map(([txnId, { seq, results }]) => ({ trader: account.trader, txnId, seq, results: [...results] })))
      .sort((a, b) => a.seq - b.seq);
  }

  private load(saved: EngineSave): void {
    const m = saved.market;
    this.setMarket(m);
    this.totalInvested = m.totalInvested;
    this.recentInvestments = [...saved.recent].sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.recentInvestedCoins = m.recentInvestedCoins;
    for (const [id, coins] of m.growingCoins) this.growingCoins.set(id, coins);
    for (const [author, times] of m.authorGibbTimes) this.authorGibbTimes.set(author, [...times]);
    this.returnSeq = m.nextReturnSeq;
    this.pendingReturns = [...saved.returns].sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    const inFlight = new Map<string, number>();
    for (const r of this.pendingReturns) inFlight.set(traderId(r.trader), (inFlight.get(traderId(r.trader)) ?? 0) + 1);
    for (const { trader, state } of saved.accounts) this.book.restore(trader, state, inFlight.get(traderId(trader)) ?? 0);
    // A plantation of a trader whose state was never stored still pays: its account opens when it does.
    const txns = [...saved.txns].sort((a, b) => a.seq - b.seq);
    for (const { trader, txnId, seq, results } of txns) {
      const { account } = this.book.open(trader, this.lastTickTime);
      account.txns.set(txnId, { seq, results });
      this.txnSeq = Math.max(this.txnSeq, seq + 1);
    }
    this.marketChanged = false;
  }

  // ---- the market -------------------------------------------------------

  private followedMarket(): FollowedMarket {
    return {
      basePrice: this.basePrice,
      fundamental: this.fundamental,
      hype: this.hype,
      ema: this.ema,
      tick: this.tickCount,
      lastTickTime: this.lastTickTime,
      nextTickAt: this.nextTickAt,
      alreadyBurst: this.alreadyBurst,
      burst: this.burst === undefined ? null : { ...this.burst },
    };
  }

  private setMarket(m: FollowedMarket): void {
    this.basePrice = m.basePrice;
    this.fundamental = m.fundamental;
    this.hype = m.hype;
    this.ema = m.ema;
    this.tickCount = m.tick;
    this.lastTickTime = m.lastTickTime;
    this.nextTickAt = m.nextTickAt;
    this.alreadyBurst = m.alreadyBurst;
    this.burst = m.burst === null ? undefined : { ...m.burst };
  }

  /**
   * A task's market is the market engine's: it takes its prices, hype and
   * burst (so its orders execute at the same price), and keeps its own
   * plantations and random streams. The record moves only when they differ.
   */
  followMarket(market: FollowedMarket): void {
    if (sameMarket(this.followedMarket(), market)) return;
    this.setMarket(market);
    this.marketChanged = true;
  }

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
      time: isoTime(this.lastTickTime),
      tick: this.tickCount,
      burstInProgress: this.burst !== undefined,
      burstStep: this.burst?.nextStep ?? 0,
      burstSteps: this.rules.burstFactors.length,
      plantationYield: this.plantationYield(this.lastTickTime),
    };
  }

  /**
   * What a coin planted now is expected to earn (multiplier − 1) for a trader
   * with nothing growing: under the saturating model it falls as the market
   * invests; under mktd2018 it is the mean of the 2018 formula.
   */
  plantationYield(now: number): number {
    const load = this.gameLoad(now);
    if (this.rules.plantationModel === 'mktd2018') {
      const mu = this.rules.investMuBase + Math.exp(-1 - load.totalInvested / this.rules.investSaturationCoins);
      return Math.min(this.rules.investReturnCap, Math.exp(mu)) - 1;
    }
    return expectedYield(0, { recentMarketCoins: load.recentCoins, traderGrowingCoins: 0 }, this.rules);
  }

  /** This engine's own plantation load at `now` (investments older than the window forgotten first). */
  ownLoad(now: number): PlantationLoad {
    this.forgetOldInvestments(now);
    return { recentCoins: this.recentInvestedCoins, totalInvested: this.totalInvested };
  }

  /** The whole game's plantation load: this engine's and the rest of the game's. */
  private gameLoad(now: number): PlantationLoad {
    return sumPlantationLoads([this.ownLoad(now), this.externalLoad()]);
  }

  /**
   * When something is next due (a tick, a plantation's return, a burst step);
   * for a task only its plantations' returns (Infinity when none is in flight).
   */
  nextDueTime(): number {
    const nextReturn = this.pendingReturns.length > 0 ? this.pendingReturns[0].dueAt : Number.POSITIVE_INFINITY;
    // A task's market moves on the market engine: its ticks and bursts come in with followMarket.
    if (this.role === 'task') return nextReturn;
    let due = Math.min(this.nextTickAt, nextReturn);
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
        events.push(...this.stepBurst(this.burst, due));
      } else {
        events.push(this.tickPrice(due));
      }
    }
  }

  /** Moves every scheduled time later by `ms` (the game was paused that long): a task's are only its plantations. */
  postpone(ms: number): void {
    if (ms <= 0) return;
    this.postponeMarket(ms);
    this.pendingReturns = this.pendingReturns.map((r) => ({ ...r, dueAt: r.dueAt + ms }));
    for (const r of this.pendingReturns) this.track(this.changedReturns, r.seq, r);
  }

  /**
   * Moves the price ticks and the burst later by `ms`, not the plantations:
   * after the host was down, the market carries on where it stopped, and a
   * plantation that fell due meanwhile pays at once. A task's market is the
   * market engine's (see followMarket): it does not move here.
   */
  postponeMarket(ms: number): void {
    if (ms <= 0 || this.role === 'task') return;
    this.nextTickAt += ms;
    if (this.burst !== undefined) this.burst = { ...this.burst, nextStepAt: this.burst.nextStepAt + ms };
    this.marketChanged = true;
  }

  /**
   * A gibb about the market moves the hype by its words, at most
   * `hypeMaxPerGibb`, within [hypeMin, hypeMax]; an author (see gibbAuthor)
   * whose gibbs already moved it `gibbsPerAuthorPerWindow` times in the
   * window is read but not counted.
   */
  applyGibb(gibb: Gibb, now: number): EngineEvent[] {
    const reading = readHype(gibb.text, this.rules);
    if (reading.delta === 0) return [];
    const author = gibbAuthor(gibb.id);
    if (author !== undefined) this.marketChanged = true; // the author's count moves even when the hype cannot
    if (author !== undefined && !this.authorMayMoveHype(author, now)) return [];
    const r = this.rules;
    const capped = Math.max(-r.hypeMaxPerGibb, Math.min(r.hypeMaxPerGibb, reading.delta));
    const hype = roundCoins(this.withinHypeBounds(this.hype + capped));
    const delta = roundCoins(hype - this.hype);
    if (delta === 0) return [];
    this.hype = hype;
    this.marketChanged = true;
    const events: EngineEvent[] = [this.gameEvent({ type: 'HYPE_CHANGED', time: isoTime(now), gibbId: gibb.id, delta, hype: this.hype })];
    if (this.burst === undefined) {
      const p = burstProbability(this.hype, this.alreadyBurst, this.rules);
      if (p > 0 && this.random.burst.next() < p) {
        this.burst = { nextStep: 0, nextStepAt: now + this.rules.burstStepMs };
        events.push(this.gameEvent({ type: 'BUBBLE_BURST_STARTED', time: isoTime(now), hype: this.hype, steps: this.rules.burstFactors.length }));
      }
    }
    return events;
  }

  private withinHypeBounds(hype: number): number {
    return Math.max(this.rules.hypeMin, Math.min(this.rules.hypeMax, hype));
  }

  /** One tick of fading: the hype (and the level counted as already burst) toward 0. */
  private fadeHype(): void {
    if (this.rules.hypeHalfLifeMs <= 0 || this.hype === 0) return;
    const keep = 2 ** (-this.rules.tickMs / this.rules.hypeHalfLifeMs);
    this.hype = Math.abs(this.hype * keep) < 1e-6 ? 0 : this.hype * keep;
    this.alreadyBurst *= keep;
  }

  private authorMayMoveHype(author: string, now: number): boolean {
    const since = now - this.rules.gibbAuthorWindowMs;
    const times = (this.authorGibbTimes.get(author) ?? []).filter((t) => t > since);
    if (times.length >= this.rules.gibbsPerAuthorPerWindow) {
      this.authorGibbTimes.set(author, times);
      return false;
    }
    times.push(now);
    this.authorGibbTimes.set(author, times);
    return true;
  }

  private tickPrice(at: number): PriceEvent {
    this.marketChanged = true;
    this.fadeHype();
    if (this.rules.priceReversion > 0) this.fundamental = nextFundamental(this.fundamental, this.rules, this.random.fundamental);
    this.basePrice = nextBasePrice(this.basePrice, this.fundamental, this.rules, this.random.price);
    const price = this.currentPrice();
    this.ema = nextEma(this.ema, price, this.rules);
    this.tickCount += 1;
    this.lastTickTime = at;
    this.nextTickAt = at + this.rules.tickMs;
    return {
      kind: 'price',
      tick: this.tickCount,
      price: { time: isoTime(at), coins: price, forecast: forecastOf(this.ema, price) },
      basePrice: this.basePrice,
      hype: this.hype,
      ema: this.ema,
    };
  }

  private stepBurst(burst: BurstInProgress, at: number): EngineEvent[] {
    this.marketChanged = true;
    const factor = this.rules.burstFactors[burst.nextStep];
    this.hype = this.withinHypeBounds(this.hype * factor);
    const steps = this.rules.burstFactors.length;
    const last = burst.nextStep + 1 >= steps;
    if (last) {
      this.burst = undefined;
      this.alreadyBurst = this.hype;
    } else {
      this.burst = { nextStep: burst.nextStep + 1, nextStepAt: at + this.rules.burstStepMs };
    }
    return [this.gameEvent({ type: 'BUBBLE_BURST_STEP', time: isoTime(at), step: burst.nextStep + 1, steps, factor, hype: this.hype })];
  }

  // ---- traders ----------------------------------------------------------

  registerTrader(trader: TraderKey, now: number): { created: boolean; state: TraderState } {
    const { account, created } = this.book.open(trader, now);
    return { created, state: stateOf(account) };
  }

  /** The trader's plantations in flight: what it planted and when it pays (never how much: that is its luck). */
  plantations(trader: TraderKey): { readonly invested: number; readonly dueAt: number }[] {
    const id = traderId(trader);
    return this.pendingReturns.filter((r) => traderId(r.trader) === id).map((r) => ({ invested: r.invested, dueAt: r.dueAt }));
  }

  traderState(trader: TraderKey): TraderState | undefined {
    const account = this.book.get(trader);
    return account === undefined ? undefined : stateOf(account);
  }

  traders(): { trader: TraderKey; state: TraderState }[] {
    return this.book.all().map((a) => ({ trader: a.trader, state: stateOf(a) }));
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

  /** BUY n: coins −= n × price (+ the fee), shares += n; SELL n: the reverse (− the fee). At the price of this moment. */
  executeMarketOrder(trader: TraderKey, order: MarketOrder, now: number): EngineEvent[] {
    return this.applyAction(trader, ACTIONS.market.txnType, order.txnId, now, (account) => {
      const value = order.shares * this.currentPrice();
      const fee = value * this.rules.tradeFee;
      if (order.type === 'BUY') {
        if (value + fee > account.coins) return 'INSUFFICIENT_COINS';
        account.coins -= value + fee;
        account.shares += order.shares;
      } else {
        if (order.shares > account.shares) return 'INSUFFICIENT_SHARES';
        account.shares -= order.shares;
        account.coins += value - fee;
      }
      return 'ACCEPTED';
    });
  }

  /** Coins go into a plantation and come back, with interest, after a delay. */
  executeInvestment(trader: TraderKey, order: InvestmentOrder, now: number): EngineEvent[] {
    return this.applyAction(trader, ACTIONS.invest.txnType, order.txnId, now, (account) => {
      if (order.invested > account.coins) return 'INSUFFICIENT_COINS';
      const load = this.gameLoad(now);
      const multiplier = this.plantationMultiplier(account, order.invested, load, now);
      account.coins -= order.invested;
      account.inFlightInvestments += 1;
      this.totalInvested += order.invested;
      this.marketChanged = true;
      this.schedulePayout({
        dueAt: now + investmentDelayMs(load.totalInvested + order.invested, this.rules),
        seq: this.returnSeq++,
        trader: account.trader,
        txnId: order.txnId,
        invested: order.invested,
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
    const state = account !== undefined ? stateOf(account) : { ...this.startingState(), time: isoTime(now) };
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
      return remembered.results.map((result): TxnResultEvent => ({ kind: 'txn-result', trader: known.trader, result, replayed: true }));
    }
    const { account, created } = this.book.open(trader, now);
    const status = change(account);
    const applied = status === 'ACCEPTED';
    if (applied) account.time = now;
    const results: TxnResult[] = [this.txnResult(account, txnId, type, status)];
    const events: EngineEvent[] = [];
    if (applied) events.push(...this.bailoutIfBroke(account, txnId, now, results));
    this.rememberTxn(account, txnId, results);
    const out: EngineEvent[] = results.map((result) => ({ kind: 'txn-result', trader: account.trader, result }));
    out.push(...events);
    if (applied || created) out.push({ kind: 'trader-state', trader: account.trader, state: stateOf(account) });
    return out;
  }

  private rememberTxn(account: TraderAccount, txnId: string, results: TxnResult[]): void {
    const seq = this.txnSeq++;
    const forgotten = this.book.rememberTxn(account, txnId, { seq, results });
    // Checked here rather than in track: the keys and the record are not even made when nothing is stored (simulations).
    if (!this.trackChanges) return;
    this.changedTxns.set(changelogKey.txn(account.trader, txnId), { trader: account.trader, txnId, seq, results });
    for (const txn of forgotten) this.changedTxns.set(changelogKey.txn(account.trader, txn), null);
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
    return [this.gameEvent({ type: 'BAILOUT', time: isoTime(now), trader: account.trader, bailouts: account.bailouts })];
  }

  /**
   * The multiplier of a new plantation under the game's load (before it), and
   * the loads it adds (market window, trader's growing coins).
   */
  private plantationMultiplier(account: TraderAccount, coins: number, gameLoad: PlantationLoad, now: number): number {
    if (this.rules.plantationModel === 'mktd2018') {
      return investmentReturnMultiplier(gameLoad.totalInvested + coins, this.rules, this.random.invest);
    }
    const id = traderId(account.trader);
    const load = { recentMarketCoins: gameLoad.recentCoins, traderGrowingCoins: this.growingCoins.get(id) ?? 0 };
    const multiplier = saturatingMultiplier(coins, load, this.rules, this.random.invest);
    // The plantation's seq: schedulePayout takes it right after.
    const recent = { seq: this.returnSeq, at: now, coins };
    this.recentInvestments.push(recent);
    this.track(this.changedRecent, recent.seq, recent);
    this.recentInvestedCoins += coins;
    this.growingCoins.set(id, load.traderGrowingCoins + coins);
    return multiplier;
  }

  private forgetOldInvestments(now: number): void {
    const since = now - this.rules.investWindowMs;
    while (this.recentInvestments.length > 0 && this.recentInvestments[0].at <= since) {
      const forgotten = this.recentInvestments.shift() as RecentInvestmentRecord;
      this.recentInvestedCoins -= forgotten.coins;
      this.track(this.changedRecent, forgotten.seq, null);
      this.marketChanged = true;
    }
    if (this.recentInvestments.length === 0) this.recentInvestedCoins = 0; // no float residue once empty
  }

  private schedulePayout(payout: PendingReturn): void {
    // Keep the queue sorted by (dueAt, seq); inserts are near the end as delays only grow.
    let i = this.pendingReturns.length;
    while (i > 0 && this.pendingReturns[i - 1].dueAt > payout.dueAt) i--;
    this.pendingReturns.splice(i, 0, payout);
    this.track(this.changedReturns, payout.seq, payout);
  }

  private payInvestmentReturn(pending: PendingReturn): EngineEvent[] {
    const { account } = this.book.open(pending.trader, pending.dueAt);
    this.track(this.changedReturns, pending.seq, null);
    const id = traderId(account.trader);
    const growing = (this.growingCoins.get(id) ?? 0) - pending.invested;
    if (growing > 1e-9) this.growingCoins.set(id, growing);
    else this.growingCoins.delete(id);
    this.marketChanged = true;
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

/** No change of a kind: one shared empty map, as most orders plant, pay and forget nothing. */
const NO_CHANGES: ReadonlyMap<never, never> = new Map<never, never>();

/** The changes noted in `changes`, handed over (a copy: the map is emptied for the next ones). */
function handOver<K, V>(changes: Map<K, V>): ReadonlyMap<K, V> {
  if (changes.size === 0) return NO_CHANGES;
  const taken = new Map(changes);
  changes.clear();
  return taken;
}
