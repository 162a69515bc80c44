/** What chapter 07 gives you: the topics, the stores' names and the rules your processors follow. */
import { DEFAULT_RULES } from '@banana-market/engine';
import { TOPICS, traderId, type SharePrice, type TraderKey, type TraderState } from '@banana-market/protocol';

export type { SharePrice, TraderKey, TraderState };
export { traderId };

/** The share price, key "GNOU": `{time, coins, forecast}`. */
export const PRICES_TOPIC = TOPICS.sharePrice.name;
/** Every trader's state after each action, keyed by trader. */
export const TRADER_STATES_TOPIC = TOPICS.traderStates.name;
/** Your own forecast for each price, key "GNOU". */
export const FORECASTS_TOPIC = 'kata-07-forecasts';
/** A warning when a trader gets one share away from a bailout, keyed by trader. */
export const BAILOUT_WARNINGS_TOPIC = 'kata-07-bailout-warnings';

/** The store that remembers the EMA of each price stream (key "GNOU" → EMA). */
export const EMA_STORE = 'ema';
/** The store that remembers which traders were warned (traderId(key) → true while in danger). */
export const DANGER_STORE = 'danger-zone';

/** The game's EMA factor: ema ← ema + EMA_FACTOR × (price − ema); the first EMA is the first price. */
export const EMA_FACTOR = DEFAULT_RULES.emaFactor;

export interface Forecast {
  readonly time: string;
  readonly coins: number;
  readonly ema: number;
  /** ema ÷ coins, like the game's: above 1, expect a rise. */
  readonly forecast: number;
}

export interface BailoutWarning {
  readonly time: string;
  readonly coins: number;
  readonly shares: number;
}

/**
 * One share away from a bailout: nothing invested, few coins, at most one share
 * left — feeding or selling it would leave the trader broke (the game's
 * bailout: no investment in flight, ≤ 3 coins, ≤ 0 shares).
 */
export function isOneShareFromBailout(state: TraderState): boolean {
  return state.inFlightInvestments === 0 && state.coins <= DEFAULT_RULES.bailoutMaxCoins && state.shares <= DEFAULT_RULES.bailoutMaxShares + 1;
}
