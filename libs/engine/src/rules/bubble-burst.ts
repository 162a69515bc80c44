/**
 * Bubble bursts: on each hype change a burst may start, with a probability
 * that grows with the hype not yet burst; it then shrinks (and at the end
 * slightly rebounds) the hype step by step.
 */
import type { GameRules } from '../rules.js';

export interface BurstInProgress {
  /** Index of the next step to apply. */
  readonly nextStep: number;
  readonly nextStepAt: number;
}

export function burstProbability(hype: number, alreadyBurst: number, rules: GameRules): number {
  return Math.min(1, Math.max(0, hype - alreadyBurst) * rules.burstProbabilityPerHype);
}
