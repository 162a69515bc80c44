/**
 * The one way a strategy trades, whoever hosts it: the server's house bots,
 * a virtual-time game and a participant's bot runner all drive their
 * strategy through a BotDriver, so a tournament measures exactly what the
 * house bots do in a room.
 *
 * On each tick the strategy decides from the market and the trader's state;
 * its decisions are executed one after another. A tick that arrives while
 * decisions are still in flight is skipped, as a human trader would. The
 * executor may answer at once (a virtual game: the whole round runs
 * synchronously, inside the virtual clock's advance) or later (a gateway or
 * Kafka: the next decision waits for the previous result). Every decision
 * is checked with its action's schema before it becomes an order: a bad one
 * (a participant's `{kind: 'invest', coins: 3}`) is reported and skipped,
 * and the round goes on.
 */
import type { TraderAction, TraderKey, TraderState, TxnResult } from '@banana-market/protocol';
import { checkDecision } from './decision-check.js';
import { decisionToAction, type BotDecision, type BotMarketView, type BotObservation, type Strategy } from './strategy.js';

/** Executes one action for the driver's trader and gives its result (or a promise of it). */
export type ActionExecutor = (action: TraderAction) => TxnResult | undefined | Promise<TxnResult | undefined>;

export interface BotDriverOptions {
  readonly trader: TraderKey;
  readonly strategy: Strategy;
  /** Uniform in [0, 1), from the game's seeded randomness. */
  readonly random: () => number;
  /** Makes the txnId of each order (default: `<name>-<n>`). */
  readonly nextTxnId?: () => string;
  /** Told about each decision and how it ended, for logs. */
  readonly onOutcome?: (outcome: DecisionOutcome) => void;
}

interface DecisionMade {
  /** The market the decision was made on. */
  readonly market: BotMarketView;
  readonly decision: BotDecision;
  readonly action: TraderAction;
}
/** A decision that is not one (wrong kind, missing or bad field): what it was, and the problem in words. */
export interface InvalidDecision {
  readonly market: BotMarketView;
  readonly decision: unknown;
  readonly invalid: string;
}
export type DecisionOutcome =
  | (DecisionMade & { readonly result: TxnResult | undefined })
  | (DecisionMade & { readonly error: Error })
  | InvalidDecision;

/** The strategy threw in decide(): its error is the `cause`. */
export class StrategyError extends Error {
  override readonly name = 'StrategyError';
}

export class BotDriver {
  readonly trader: TraderKey;
  readonly strategy: Strategy;
  private busy = false;
  private stopped = false;
  private txnCounter = 0;

  constructor(private readonly options: BotDriverOptions) {
    this.trader = options.trader;
    this.strategy = options.strategy;
  }

  /** True while the last round's decisions are still being executed. */
  get inFlight(): boolean {
    return this.busy;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * One decision round. Returns undefined when the round ran synchronously
   * (or was skipped), else a promise of its end. Throws StrategyError when
   * the strategy itself throws: that bot's code is broken.
   */
  onTick(observation: BotObservation, state: TraderState | undefined, execute: ActionExecutor): Promise<void> | undefined {
    if (this.busy || this.stopped || state === undefined) return undefined;
    const { market } = observation;
    const decisions = this.decide(observation, state);
    if (decisions.length === 0) return undefined;
    this.busy = true;
    const round = this.executeFrom(market, decisions, 0, execute);
    if (round === undefined) {
      this.busy = false;
      return undefined;
    }
    return round.finally(() => {
      this.busy = false;
    });
  }

  private decide(observation: BotObservation, state: TraderState): readonly unknown[] {
    let decisions: unknown;
    try {
      decisions = this.strategy.decide({ ...observation, state, random: this.options.random });
    } catch (err) {
      throw new StrategyError(`the strategy "${this.strategy.name}" threw in decide(): ${(err as Error).stack ?? String(err)}`, { cause: err });
    }
    // A list is what decide() promises; nothing at all means "wait", anything else is one (bad) decision, reported as such.
    if (decisions === undefined || decisions === null) return [];
    return Array.isArray(decisions) ? decisions : [decisions];
  }

  /** Runs decisions[index..] in order, synchronously for as long as the executor answers at once. */
  private executeFrom(market: BotMarketView, decisions: readonly unknown[], index: number, execute: ActionExecutor): Promise<void> | undefined {
    for (let i = index; i < decisions.length; i++) {
      if (this.stopped) return undefined;
      const checked = checkDecision(decisions[i]);
      if (!checked.ok) {
        this.options.onOutcome?.({ market, decision: decisions[i], invalid: checked.problem });
        continue;
      }
      const decision = checked.decision;
      const action = decisionToAction(decision, this.nextTxnId());
      let answer: ReturnType<ActionExecutor>;
      try {
        answer = execute(action);
      } catch (err) {
        this.options.onOutcome?.({ market, decision, action, error: err as Error });
        continue;
      }
      if (answer instanceof Promise) {
        return answer.then(
          (result) => {
            this.options.onOutcome?.({ market, decision, action, result });
            return this.executeFrom(market, decisions, i + 1, execute);
          },
          (err: Error) => {
            this.options.onOutcome?.({ market, decision, action, error: err });
            return this.executeFrom(market, decisions, i + 1, execute);
          },
        );
      }
      this.options.onOutcome?.({ market, decision, action, result: answer });
    }
    return undefined;
  }

  private nextTxnId(): string {
    return this.options.nextTxnId?.() ?? `${this.trader.name}-${++this.txnCounter}`;
  }
}
