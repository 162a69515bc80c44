/** Nest injection token for the game's Clock (SystemClock in production, VirtualClock in tests). */
export const GAME_CLOCK = Symbol('GAME_CLOCK');
