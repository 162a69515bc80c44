/**
 * Seeded randomness. Every random draw of a game comes from `seedrandom` with
 * the game's seed; each concern (price walk, bursts, plantations, house bots)
 * gets its own stream derived from that seed, so that adding a draw in one
 * place does not shift the numbers of another.
 */
import seedrandom from 'seedrandom';
import type { RandomState } from '@banana-market/protocol';

export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal sample. */
  normal(): number;
  /** e^(mu + sigma × N(0,1)). */
  logNormal(mu: number, sigma: number): number;
}

/** A stream whose position can be saved and continued exactly (a game's streams, restored after a restart). */
export interface SavableRandomSource extends RandomSource {
  state(): RandomState;
}

/** A seeded stream; with `state`, the same stream continued from where that state was saved. */
export function createRandom(seed: string, state?: RandomState): SavableRandomSource {
  const stream = seedrandom(seed, { state: state ?? true });
  const uniform = (): number => stream();
  // Box–Muller: one normal per two uniforms. The spare is not cached so that
  // each draw consumes a fixed amount of the stream (easier to reason about).
  const normal = (): number => {
    const u1 = 1 - uniform(); // in (0, 1], so the log is finite
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return {
    next: () => uniform(),
    normal,
    logNormal: (mu, sigma) => Math.exp(mu + sigma * normal()),
    state: () => stream.state() as RandomState,
  };
}

export type GameRandomStreams = Record<'price' | 'fundamental' | 'burst' | 'invest', SavableRandomSource>;

/**
 * The engine's streams, one per concern; with `saved`, each continues from its
 * saved state. A `stream` name (a task's `task-3`) gives the same seed other
 * streams: engines that each hold part of one game draw their own luck.
 * Without it the streams are the game's own, as recorded games expect.
 */
export function gameRandomStreams(seed: string, saved?: Record<keyof GameRandomStreams, RandomState>, stream?: string): GameRandomStreams {
  const base = stream === undefined ? seed : `${seed}/${stream}`;
  return {
    price: createRandom(`${base}/price`, saved?.price),
    fundamental: createRandom(`${base}/fundamental`, saved?.fundamental),
    burst: createRandom(`${base}/burst`, saved?.burst),
    invest: createRandom(`${base}/invest`, saved?.invest),
  };
}
