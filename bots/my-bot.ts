/**
 * Your bot. Copy this file (cp bots/my-bot.ts bots/<you>.ts), edit decide(),
 * check it, try it against the house strategies, and run it:
 *
 *   npm run bot -- --check bots/<you>.ts          types, then every decision of a 20-minute check game
 *   npm run simulate -- --strategy bots/<you>.ts --seeds 5    your score in 5 three-hour games, in seconds
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts
 *   npm run bot -- --team BONOBO --name alice --strategy bots/<you>.ts --kafka localhost:9092
 *
 * Keep your token out of the command line: BANANA_TOKEN=… npm run bot -- …
 *
 * THE FOUR DECISIONS decide() may return (a list; [] waits this tick):
 *   { kind: 'market', type: 'BUY', shares: 3 }     buy 3 shares at the price
 *   { kind: 'market', type: 'SELL', shares: 2 }    sell 2 shares at the price
 *   { kind: 'invest', invested: 4.5 }              plant 4.5 coins (back in 30 s, more or less)
 *   { kind: 'feed', monkeys: 2 }                   feed 2 monkeys with 2 shares: 2 points
 * A decision that is not one of these is reported in one line and skipped.
 *
 * THE RULES IN SHORT (defaults; the coach may change them — see the README)
 * - You start with 10 coins and 5 shares. The price moves every second and
 *   tends back toward a slowly drifting fair value.
 * - BUY n shares costs n × price coins plus a 0.5 % fee; SELL n earns it back
 *   minus the fee.
 * - INVEST c coins in a plantation: they come back after 30 s with up to
 *   +12 % on average — less the more the whole market planted in the last
 *   10 minutes and the more you already have growing; below zero (down to
 *   half) when everyone plants.
 *   market.plantationYield says what a coin planted now is expected to earn.
 * - FEED m monkeys with m shares: each fed monkey is one point. That is the
 *   score: fed monkeys − 20 × bailouts.
 * - A BAILOUT happens when you have ≤ 3 coins, no shares and no plantation
 *   growing: you get 5 shares back, and lose 20 points.
 * - forecast = average price ÷ price: above 1 the price is low (expect a
 *   rise), below 1 it is high.
 * - Gibbs mentioning banana or #MKTD move the hype, which adds to the price:
 *   +0.01 per positive word, −0.01 per negative one (#MKTD is itself the
 *   positive word mktd: "bananas are great #MKTD" is +0.02), at most ±0.05 a
 *   gibb, within [−0.3, +0.5]. Hype fades (half-life 5 minutes), and a bubble
 *   burst melts it to about 30 % in ten steps, 5 s apart.
 * - Orders you cannot afford come back INSUFFICIENT_COINS / _SHARES and
 *   change nothing.
 */
import type { BotContext, BotDecision } from '@banana-market/sdk';

export default function decide({ market, state, recentGibbs }: BotContext): BotDecision[] {
  // ---- your job starts here -------------------------------------------------

  const mood = recentGibbs.slice(-3).reduce((sum, gibb) => sum + gibb.hypeDelta, 0);
  const sharesFor = (coins: number) => Math.floor(coins / (market.price * 1.005));

  // 1. The clock: in the last two minutes, every coin becomes shares and every
  //    share but one goes to the monkeys (timeLeftMs is null while the game has no announced end).
  if (market.timeLeftMs !== null && market.timeLeftMs < 120_000) {
    if (sharesFor(state.coins) > 0) return [{ kind: 'market', type: 'BUY', shares: sharesFor(state.coins) }];
    return state.shares > 1 ? [{ kind: 'feed', monkeys: state.shares - 1 }] : [];
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

  // 4. Coins above a working capital of 10 become shares (the monkeys want
  //    shares, not coins) — at once when bananas are cheap (forecast above 1)
  //    and the latest gibbs are not gloomy, else when the profit is large.
  const spare = sharesFor(state.coins - 10);
  if (spare > 0 && ((market.forecast > 1 && mood >= 0) || spare >= 5)) {
    return [{ kind: 'market', type: 'BUY', shares: spare }];
  }

  // 5. The capital grows in plantations while the market has not over-planted
  //    (everything but 2 coins: the two shares kept mean a bailout never comes).
  if ((market.plantationYield ?? 0) > 0.02 && state.inFlightInvestments === 0 && state.coins > 4) {
    return [{ kind: 'invest', invested: state.coins - 2 }];
  }

  // 6. Nothing to do this tick.
  return [];

  // ---- your job ends here ---------------------------------------------------
}
