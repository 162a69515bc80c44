/**
 * Seeded randomness. Every random draw of a game comes from `seedrandom` with
 * the game's seed; each concern (price walk, bursts, plantations, house bots)
 * gets its own stream derived from that seed, so that adding a draw in one
 * place does not shift the numbers of another.
 */
import seedrandom from 'seedrandom';

export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal sample. */
  normal(): number;
  /** e^(mu + sigma × N(0,1)). */
  logNormal(mu: number, sigma: number): number;
}

export function createRandom(seed: string): RandomSource {
  const uniform = seedrandom(seed);
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
  };
}

/** The engine's streams, one per concern. */
export function gameRandomStreams(seed: string): { price: RandomSource; fundamental: RandomSource; burst: RandomSource; invest: RandomSource } {
  return {
    price: createRandom(`${seed}/price`),
    fundamental: createRandom(`${seed}/fundamental`),
    burst: createRandom(`${seed}/burst`),
    invest: createRandom(`${seed}/invest`),
  };
}
