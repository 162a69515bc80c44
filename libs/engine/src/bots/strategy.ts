/**
 * A bot's brain: given what it sees, what to do now. Strategies are pure
 * functions of their context (randomness comes in as `random`), so the same
 * code drives the server's house bots, participants' bots over any transport,
 * and virtual-time simulations.
 */
import type { ActionKind, ActionOrder, TraderAction, TraderState } from '@banana-market/protocol';

export interface BotMarketView {
  readonly price: number;
  /** EMA ÷ price: above 1 the price is below its trend, which it tends to return to. */
  readonly forecast: number;
  readonly tick: number;
  /** What gibbs add to the price right now (negative: they hold it down). */
  readonly hype: number;
  /** A bubble burst melting the hype, step by step. */
  readonly burst: BurstView;
  /** The game clock: ms since the epoch of the last tick. */
  readonly time: number;
  /** Game time left, when the game has a length (null: it runs until the coach ends it). */
  readonly timeLeftMs: number | null;
  /** What a coin planted now is expected to earn (0.05: +5 %), when the server says so. */
  readonly plantationYield?: number;
}

export interface BurstView {
  readonly inProgress: boolean;
  /** Steps already applied (0 when none), of `steps`. */
  readonly step: number;
  readonly steps: number;
}

/** A gibb the market read, newest last, with what it did to the hype (0: not about the market, or not counted). */
export interface RecentGibb {
  readonly id: string;
  readonly text: string;
  readonly time: string;
  readonly hypeDelta: number;
}

/** What a bot sees of the market: prices, hype, bursts and the latest gibbs. */
export interface BotObservation {
  readonly market: BotMarketView;
  readonly recentGibbs: readonly RecentGibb[];
}

export interface BotContext extends BotObservation {
  readonly state: TraderState;
  /** Uniform in [0, 1), seeded by whoever runs the bot. */
  readonly random: () => number;
}

/**
 * What a strategy decides: an action of the protocol's table without its
 * time and txnId, e.g. `{ kind: 'market', type: 'BUY', shares: 3 }`.
 */
export type BotDecision = {
  [K in ActionKind]: { readonly kind: K } & Readonly<Omit<ActionOrder<K>, 'time' | 'txnId'>>;
}[ActionKind];

export interface Strategy {
  readonly name: string;
  readonly description: string;
  /** Zero or more actions for this tick; an empty list means "wait". */
  decide(context: BotContext): readonly BotDecision[];
  /** A gibb to post this tick, if the bot talks (virtual games post it under the trader's name). */
  gibb?(context: BotContext): string | undefined;
}

/** The order a decision becomes, under the given transaction id. */
export function decisionToAction(decision: BotDecision, txnId: string): TraderAction {
  const { kind, ...fields } = decision;
  return { kind, order: { txnId, ...fields } } as TraderAction;
}
