/**
 * The traders' accounts: their state, the transactions they already made
 * (so that a replayed txnId is answered, not applied twice), and standings.
 */
import { traderId, type TraderKey, type TraderState, type TxnResult } from '@banana-market/protocol';
import type { Leaderboard } from './events.js';
import { isoTime } from './iso-time.js';
import { leaderboardOf } from './leaderboard.js';
import type { GameRules } from './rules.js';

export interface TraderAccount {
  readonly trader: TraderKey;
  coins: number;
  shares: number;
  bailouts: number;
  fedMonkeys: number;
  inFlightInvestments: number;
  /** Time of the last change, ms since the epoch. */
  time: number;
  /** txnId → the results it produced and when it was remembered, oldest first (a Map keeps insertion order for eviction). */
  readonly txns: Map<string, RememberedTxn>;
}

export interface RememberedTxn {
  /** The engine's count of remembered txnIds when this one was: the order a restored memory is rebuilt in. */
  readonly seq: number;
  readonly results: readonly TxnResult[];
}

export class TraderBook {
  private readonly accounts = new Map<string, TraderAccount>();

  constructor(private readonly rules: GameRules) {}

  get(trader: TraderKey): TraderAccount | undefined {
    return this.accounts.get(traderId(trader));
  }

  /** The account, opened with the starting coins and shares if the trader is new. */
  open(trader: TraderKey, now: number): { account: TraderAccount; created: boolean } {
    const existing = this.get(trader);
    if (existing !== undefined) return { account: existing, created: false };
    const account: TraderAccount = {
      trader: { team: trader.team, name: trader.name },
      coins: this.rules.startCoins,
      shares: this.rules.startShares,
      bailouts: 0,
      fedMonkeys: 0,
      inFlightInvestments: 0,
      time: now,
      txns: new Map(),
    };
    this.accounts.set(traderId(trader), account);
    return { account, created: true };
  }

  /**
   * Replaces a trader's state, e.g. from the compacted trader-states topic
   * after a restart. `inFlightInvestments` is what the host restored of the
   * trader's plantations (their records, not the count in the state), so a
   * count can never stand for plantations that will not pay.
   */
  restore(trader: TraderKey, state: TraderState, inFlightInvestments: number): TraderAccount {
    const { account } = this.open(trader, Date.parse(state.time));
    account.coins = state.coins;
    account.shares = state.shares;
    account.bailouts = state.bailouts;
    account.fedMonkeys = state.fedMonkeys;
    account.inFlightInvestments = inFlightInvestments;
    account.time = Date.parse(state.time);
    return account;
  }

  all(): TraderAccount[] {
    return [...this.accounts.values()];
  }

  /** Remembers what a txnId was answered; returns the txnIds the trader's full memory let go of (oldest first). */
  rememberTxn(account: TraderAccount, txnId: string, remembered: RememberedTxn): string[] {
    account.txns.set(txnId, remembered);
    const forgotten: string[] = [];
    while (account.txns.size > this.rules.txnMemoryPerTrader) {
      const oldest = account.txns.keys().next().value as string;
      account.txns.delete(oldest);
      forgotten.push(oldest);
    }
    return forgotten;
  }

  leaderboard(): Leaderboard {
    return leaderboardOf(
      this.all().map((account) => ({ trader: account.trader, state: account })),
      this.rules,
    );
  }
}

export function stateOf(account: TraderAccount): TraderState {
  return {
    time: isoTime(account.time),
    coins: account.coins,
    shares: account.shares,
    bailouts: account.bailouts,
    fedMonkeys: account.fedMonkeys,
    inFlightInvestments: account.inFlightInvestments,
  };
}
