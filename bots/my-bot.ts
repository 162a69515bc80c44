/**
 * Your bot. Copy this file (cp bots/my-bot.ts bots/<you>.ts), edit decide(),
 * and run it:
 *
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts --kafka localhost:9092
 *
 * THE RULES IN SHORT (defaults; the coach may change them)
 * - You start with 10 coins and 5 shares. The price moves every second.
 * - BUY n shares costs n × price coins; SELL n earns it back.
 * - INVEST c coins in a plantation: they come back after a while with up to
 *   15 % interest — less and later the more the whole market invests.
 * - FEED m monkeys with m shares: each fed monkey is one point. That is the
 *   score: fed monkeys − 20 × bailouts.
 * - A BAILOUT happens when you have ≤ 3 coins, no shares and no plantation
 *   growing: you get 10 coins and 5 shares back, and lose 20 points.
 * - forecast = average price ÷ price: above 1 the price is low (expect a
 *   rise), below 1 it is high.
 * - Orders you cannot afford come back INSUFFICIENT_COINS / _SHARES and
 *   change nothing.
 */
import type { BotContext, BotDecision } from '@banana-market/sdk';

export default function decide({ market, state }: BotContext): BotDecision[] {
  // ---- your job starts here -------------------------------------------------

  // 1. Shares beyond a small stock go to the monkeys (that is what scores),
  //    as long as enough coins remain to never be bailed out.
  if (state.shares > 2 && state.coins > 4) {
    return [{ kind: 'feed', monkeys: state.shares - 2 }];
  }

  // 2. Cheap bananas (forecast above 1): buy with what is above a 4-coin reserve.
  const affordable = Math.floor((state.coins - 4) / market.price);
  if (market.forecast > 1 && affordable > 0) {
    return [{ kind: 'market', type: 'BUY', shares: affordable }];
  }

  // 3. Nothing to do this tick.
  return [];

  // ---- your job ends here ---------------------------------------------------
}
