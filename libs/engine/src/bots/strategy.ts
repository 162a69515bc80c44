/**
 * A bot's brain: given what it sees, what to do now. Strategies are pure
 * functions of their context (randomness comes in as `random`), so the same
 * code drives the server's house bots, participants' bots over any transport,
 * and virtual-time simulations.
 */
import type { ActionKind, ActionOrder, TraderAction, TraderState } from '@banana-market/protocol';

export interface BotMarketView {
  readonly price: number;
  readonly forecast: number;
  readonly tick: number;
}

export interface BotContext {
  readonly market: BotMarketView;
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
}

/** The order a decision becomes, under the given transaction id. */
export function decisionToAction(decision: BotDecision, txnId: string): TraderAction {
  const { kind, ...fields } = decision;
  return { kind, order: { txnId, ...fields } } as TraderAction;
}
