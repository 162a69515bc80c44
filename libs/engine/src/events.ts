/**
 * What the engine tells its host. The host turns these into protocol messages
 * on topics (share-price, txn-results, trader-states, game-events); the engine
 * itself never does I/O.
 */
import type { GameEvent, LeaderboardView, MarketView, SharePrice, TraderKey, TraderState, TxnResult } from '@banana-market/protocol';

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

export type { TraderStanding, TeamStanding } from '@banana-market/protocol';
export type Leaderboard = LeaderboardView;

/** The market view (without the game status, which the loop knows) plus what only the engine sees. */
export interface MarketSnapshot extends Omit<MarketView, 'status' | 'endsAt' | 'remainingMs'> {
  readonly basePrice: number;
  readonly ema: number;
  readonly burstInProgress: boolean;
  /** Steps of the burst in progress already applied (0 when none), of `burstSteps`. */
  readonly burstStep: number;
  readonly burstSteps: number;
  /** What a coin planted now is expected to earn for a trader with nothing growing. */
  readonly plantationYield: number;
}

/** An action as the engine takes it: already validated by the protocol schemas. */
export type { ActionTxnType, TraderAction } from '@banana-market/protocol';
