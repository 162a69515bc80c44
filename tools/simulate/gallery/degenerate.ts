/**
 * Degenerate strategies: what someone looking for the exploit tries first.
 * The economy's regression suite checks that none of them pays.
 */
import { DEFAULT_RULES, type Strategy } from '@banana-market/engine';

/** Whole shares that `coins` buy, the trade fee included. */
function sharesFor(coins: number, price: number): number {
  return Math.max(0, Math.floor(coins / (price * (1 + DEFAULT_RULES.tradeFee))));
}

/** Every coin into plantations every tick; in the last minute, buy and feed everything. */
export function allIn(): Strategy {
  return {
    name: 'all-in',
    description: 'invests every coin every tick, buys and feeds everything in the last minute',
    decide({ market, state }) {
      if (market.timeLeftMs !== null && market.timeLeftMs <= 60_000) {
        const shares = sharesFor(state.coins - 0.01, market.price);
        if (shares > 0) return [{ kind: 'market', type: 'BUY', shares }];
        return state.shares > 1 ? [{ kind: 'feed', monkeys: state.shares - 1 }] : [];
      }
      return state.coins > 0.01 ? [{ kind: 'invest', invested: state.coins }] : [];
    },
  };
}

/** Goes broke on purpose, every tick, to be bailed out again. */
export function bailoutFarmer(): Strategy {
  return {
    name: 'bailout-farmer',
    description: 'spends everything on shares and feeds them at once, to be bailed out every tick',
    decide({ market, state }) {
      if (state.shares > 0) return [{ kind: 'feed', monkeys: state.shares }];
      const shares = sharesFor(state.coins, market.price);
      return shares > 0 ? [{ kind: 'market', type: 'BUY', shares }] : [];
    },
  };
}

const GLOOM = `banana #MKTD ${'no bad sell sad worst low danger burst '.repeat(12).trim()}`;

/** Posts gibbs full of "no" to push the price down, and buys the cheap shares. */
export function negativeGibber(): Strategy {
  return {
    name: 'negative-gibber',
    description: 'posts a gloomy gibb every tick and buys whatever the gloom makes cheap, feeding as it goes',
    gibb: () => GLOOM,
    decide({ market, state }) {
      if (state.shares > 1) return [{ kind: 'feed', monkeys: state.shares - 1 }];
      const shares = sharesFor(state.coins - 1, market.price);
      return shares > 0 ? [{ kind: 'market', type: 'BUY', shares }] : [];
    },
  };
}

/** Many tiny orders every tick: the plantation yield by the crumb. */
export function tinySpammer(): Strategy {
  return {
    name: 'tiny-spammer',
    description: 'plants in crumbs of 0.05 coins, 20 orders a tick, and feeds one monkey at a time',
    decide({ market, state }) {
      const orders: { kind: 'invest'; invested: number }[] = [];
      for (let coins = state.coins; coins > 1 && orders.length < 20; coins -= 0.05) orders.push({ kind: 'invest', invested: 0.05 });
      if (orders.length > 0) return orders;
      if (state.shares > 0) return [{ kind: 'feed', monkeys: 1 }];
      return state.coins > market.price + 1 ? [{ kind: 'market', type: 'BUY', shares: 1 }] : [];
    },
  };
}

export const DEGENERATE = {
  'all-in': allIn,
  'bailout-farmer': bailoutFarmer,
  'negative-gibber': negativeGibber,
  'tiny-spammer': tinySpammer,
} as const satisfies Record<string, () => Strategy>;
