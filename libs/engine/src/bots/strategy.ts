/**
 * A bot's brain: given what it sees, what to do now. Strategies are pure
 * functions of their context (randomness comes in as `random`), so the same
 * code drives the server's house bots, participants' bots over any transport,
 * and virtual-time simulations.
 */
import type { MarketOrderType, TraderAction, TraderState } from '@banana-market/protocol';

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

export type BotDecision =
  | { readonly kind: 'market'; readonly type: MarketOrderType; readonly shares: number }
  | { readonly kind: 'invest'; readonly invested: number }
  | { readonly kind: 'feed'; readonly monkeys: number };

export interface Strategy {
  readonly name: string;
  readonly description: string;
  /** Zero or more actions for this tick; an empty list means "wait". */
  decide(context: BotContext): readonly BotDecision[];
}

/** The order a decision becomes, under the given transaction id. */
export function decisionToAction(decision: BotDecision, txnId: string): TraderAction {
  switch (decision.kind) {
    case 'market':
      return { kind: 'market', order: { txnId, type: decision.type, shares: decision.shares } };
    case 'invest':
      return { kind: 'invest', order: { txnId, invested: decision.invested } };
    case 'feed':
      return { kind: 'feed', order: { txnId, monkeys: decision.monkeys } };
  }
}
