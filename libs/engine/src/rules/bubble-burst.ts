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

/**
 * The chance that this hype change starts a burst: proportional to the hype
 * beyond what already burst. With `negativeBursts`, hype below zero bursts
 * back toward zero the same way (measured on its own side).
 */
export function burstProbability(hype: number, alreadyBurst: number, rules: GameRules): number {
  const excess = !rules.negativeBursts ? hype - alreadyBurst : hype >= 0 ? hype - Math.max(0, alreadyBurst) : -hype - Math.max(0, -alreadyBurst);
  return Math.min(1, Math.max(0, excess) * rules.burstProbabilityPerHype);
}
