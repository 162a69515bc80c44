/**
 * The commitment to a game's seed. Whoever knows the seed can replay the
 * game's randomness (the price walk, the bursts, the plantations' returns), so
 * the seed stays secret while the game runs: the game publishes this
 * commitment at its start and reveals the seed at its end, and anyone can
 * check the one against the other (`echo -n "$SEED" | sha256sum`).
 *
 * A hash, not I/O: node:crypto is the engine's only Node import.
 */
import { createHash } from 'node:crypto';

/** The lowercase hex SHA-256 of the seed's UTF-8 bytes (64 characters). */
export function seedCommitment(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}
