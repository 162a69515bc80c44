/**
 * Each team's join code (REGISTRATION=codes), derived from the server's key:
 * every server of the game gives the same code for a team, and no code is
 * ever written to a topic or a log. A new key (a fresh DATA_DIR) is a new
 * game, with new codes.
 */
import { timingSafeEqual } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from '@banana-market/protocol';
import type { StateCipher } from '../state/state-cipher.js';

/** Nest injection token for the server's JoinCodes. */
export const JOIN_CODES = Symbol('JOIN_CODES');

export class JoinCodes {
  constructor(private readonly key: StateCipher) {}

  /** The team's code: JOIN_CODE_LENGTH characters of JOIN_CODE_ALPHABET (about 40 bits). */
  codeFor(team: string): string {
    const bytes = this.key.derive(`join-code/${team}`);
    let code = '';
    for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[bytes[i] % JOIN_CODE_ALPHABET.length];
    return code;
  }

  /** Whether `given` (as typed: any case, spaces and dashes) is the team's code; compared in constant time. */
  accepts(team: string, given: string): boolean {
    const expected = Buffer.from(this.codeFor(team));
    const typed = Buffer.from(normalizeJoinCode(given));
    return typed.length === expected.length && timingSafeEqual(typed, expected);
  }
}
