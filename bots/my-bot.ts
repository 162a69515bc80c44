/**
 * Your bot. Copy this file (cp bots/my-bot.ts bots/<you>.ts), edit decide(),
 * and run it:
 *
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts --kafka localhost:9092
 *
 * THE RULES IN SHORT (defaults; the coach may change them — see the README)
 * - You start with 10 coins and 5 shares. The price moves every second and
 *   tends back toward a slowly drifting fair value.
 * - BUY n shares costs n × price coins plus a 0.5 % fee; SELL n earns it back
 *   minus the fee.
 * - INVEST c coins in a plantation: they come back after 30 s with up to
 *   +12 % — less the more the whole market planted in the last 10 minutes and
 *   the more you already have growing; below zero when everyone plants.
 *   market.plantationYield says what a coin planted now is expected to earn.
 * - FEED m monkeys with m shares: each fed monkey is one point. That is the
 *   score: fed monkeys − 20 × bailouts.
 * - A BAILOUT happens when you have ≤ 3 coins, no shares and no plantation
 *   growing: you get 5 shares back, and lose 20 points.
 * - forecast = average price ÷ price: above 1 the price is low (expect a
 *   rise), below 1 it is high.
 * - #MKTD gibbs move the hype, which adds to the price; hype fades, and a
 *   bubble burst melts it in ten steps, 5 s apart.
 * - Orders you cannot afford come back INSUFFICIENT_COINS / _SHARES and
 *   change nothing.
 */
import type { BotContext, BotDecision } from '@banana-market/sdk';

export default function decide({ market, state, recentGibbs }: BotContext): BotDecision[] {
  // ---- your job starts here -------------------------------------------------

  // 1. The clock: in the last two minutes, everything goes to the monkeys
  //    (timeLeftMs is null while the game has no announced end).
  if (market.timeLeftMs !== null && market.timeLeftMs < 120_000 && state.shares > 1) {
    return [{ kind: 'feed', monkeys: state.shares - 1 }];
  }

  // 2. A burst: the hype melts step by step and the price with it. Sell early in it.
  if (market.burst.inProgress && market.hype > 0 && market.burst.step < 3 && state.shares > 2) {
    return [{ kind: 'market', type: 'SELL', shares: state.shares - 2 }];
  }

  // 3. Shares beyond a small stock go to the monkeys (that is what scores);
  //    the two kept mean a bailout never comes.
  if (state.shares > 2) {
    return [{ kind: 'feed', monkeys: state.shares - 2 }];
  }

  // 4. Plantations pay while the market has not over-planted: keep a few coins growing.
  if ((market.plantationYield ?? 0) > 0.05 && state.inFlightInvestments === 0 && state.coins > 6) {
    return [{ kind: 'invest', invested: state.coins - 4 }];
  }

  // 5. Cheap bananas (forecast above 1), unless the latest gibbs are gloomy:
  //    buy with what is above a 4-coin reserve.
  const mood = recentGibbs.slice(-3).reduce((sum, gibb) => sum + gibb.hypeDelta, 0);
  const affordable = Math.floor((state.coins - 4) / (market.price * 1.005));
  if (market.forecast > 1 && mood >= 0 && affordable > 0) {
    return [{ kind: 'market', type: 'BUY', shares: affordable }];
  }

  // 6. Nothing to do this tick.
  return [];

  // ---- your job ends here ---------------------------------------------------
}
