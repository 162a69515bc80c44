/**
 * What the engine tells its host. The host turns these into protocol messages
 * on topics (share-price, txn-results, trader-states, game-events); the engine
 * itself never does I/O.
 */
import type { GameEvent, SharePrice, TraderKey, TraderState, TxnResult } from '@banana-market/sdk';

export interface PriceEvent {
  readonly kind: 'price';
  readonly tick: number;
  /** The share-price message: published price (base + hype, floored) and forecast. */
  readonly price: SharePrice;
  readonly basePrice: number;
  readonly hype: number;
  readonly ema: number;
}

export interface TxnResultEvent {
  readonly kind: 'txn-result';
  readonly trader: TraderKey;
  readonly result: TxnResult;
  /** True when this answers a txnId the trader already used: nothing was applied. */
  readonly replayed?: boolean;
}

export interface TraderStateEvent {
  readonly kind: 'trader-state';
  readonly trader: TraderKey;
  readonly state: TraderState;
}

export interface GameEventEvent {
  readonly kind: 'game-event';
  readonly event: GameEvent;
}

export type EngineEvent = PriceEvent | TxnResultEvent | TraderStateEvent | GameEventEvent;

export interface TraderStanding {
  readonly team: string;
  readonly name: string;
  readonly score: number;
  readonly fedMonkeys: number;
  readonly bailouts: number;
  readonly coins: number;
  readonly shares: number;
}

export interface TeamStanding {
  readonly team: string;
  readonly score: number;
  readonly traders: number;
}

export interface Leaderboard {
  readonly traders: readonly TraderStanding[];
  readonly teams: readonly TeamStanding[];
}

export interface MarketSnapshot {
  readonly price: number;
  readonly forecast: number;
  readonly hype: number;
  readonly basePrice: number;
  readonly ema: number;
  /** ISO time of the last price tick (or of the start). */
  readonly time: string;
  readonly tick: number;
  readonly burstInProgress: boolean;
}

/** An action as the engine takes it: already validated by the protocol schemas. */
export type { TraderAction } from '@banana-market/sdk';

export type ActionTxnType = 'MARKET' | 'INVEST' | 'FEED';
