/**
 * The built-in strategies. They are deliberately simple and readable: a
 * participant should be able to beat them after reading them.
 */
import type { BotContext, BotDecision, Strategy } from './strategy.js';

/** Shares affordable with a fraction of the coins, keeping a reserve for the bailout rule. */
function affordableShares({ market, state }: BotContext, fraction: number): number {
  return Math.floor((Math.max(0, state.coins - 1) * fraction) / market.price);
}

/**
 * What a strategy does when its own rules say "wait" (issue #21: a bot that
 * can act never sits idle for the rest of the game): with no plantation
 * growing, a fraction of the idle coins goes into one (it pays in 30 s by default).
 * A share kept guards against the bailout whatever the plantation pays back,
 * so without one it first buys one.
 */
function plantIdleCoins({ market, state }: BotContext, fraction: number): BotDecision[] {
  if (state.shares === 0) return state.coins > market.price * 1.01 ? [{ kind: 'market', type: 'BUY', shares: 1 }] : [];
  const invested = state.coins * fraction;
  return state.inFlightInvestments === 0 && invested > 0 ? [{ kind: 'invest', invested }] : [];
}

export const randomStrategy: Strategy = {
  name: 'random',
  description: 'buys, sells, invests or feeds at random — the baseline to beat',
  decide(context) {
    const { state, random } = context;
    const roll = random();
    if (roll < 0.3) {
      const shares = Math.max(1, Math.floor(affordableShares(context, 0.5) * random()));
      return [{ kind: 'market', type: 'BUY', shares }];
    }
    if (roll < 0.6 && state.shares > 0) return [{ kind: 'market', type: 'SELL', shares: Math.max(1, Math.floor(state.shares * random())) }];
    if (roll < 0.75 && state.coins > 1) return [{ kind: 'invest', invested: Math.max(0.1, state.coins * random() * 0.5) }];
    if (roll < 0.9 && state.shares > 0) return [{ kind: 'feed', monkeys: 1 }];
    return [];
  },
};

export const forecastStrategy: Strategy = {
  name: 'forecast',
  description:
    'buys when the forecast says the price will rise, sells when it says it will fall (the 2018 starter); plants some idle coins between signals',
  decide(context) {
    const { market, state } = context;
    if (market.forecast > 1.002) {
      const shares = affordableShares(context, 0.5);
      if (shares > 0) return [{ kind: 'market', type: 'BUY', shares }];
    } else if (market.forecast < 0.998 && state.shares > 1) {
      return [{ kind: 'market', type: 'SELL', shares: Math.ceil(state.shares / 2) }];
    }
    // Between signals (or with nothing left to trade on one), shares beyond a trading stock go to the monkeys: that is what scores.
    if (state.shares > 6) return [{ kind: 'feed', monkeys: state.shares - 6 }];
    // And a quarter of the idle coins grow in a plantation until the next signal.
    return plantIdleCoins(context, 0.25);
  },
};

export const investorStrategy: Strategy = {
  name: 'investor',
  description: 'keeps about 12 coins of capital in plantations, one at a time, and turns the profit into shares for the monkeys',
  decide(context) {
    const { market, state } = context;
    const profitShares = Math.floor((state.coins - 12) / market.price);
    if (profitShares > 0) return [{ kind: 'market', type: 'BUY', shares: profitShares }];
    if (state.inFlightInvestments === 0 && state.coins > 4) return [{ kind: 'invest', invested: state.coins - 2 }];
    if (state.shares > 2) return [{ kind: 'feed', monkeys: state.shares - 2 }];
    // Capital lost (plantations pay back less when the market over-plants): the shares kept guard against the bailout, so every coin goes back to grow it again.
    return plantIdleCoins(context, 1);
  },
};

export const feederStrategy: Strategy = {
  name: 'feeder',
  description: 'balances trading, plantations and feeding, and never risks a bailout',
  decide(context) {
    const { market, state } = context;
    // Feeding never triggers a bailout while a share and some coins remain.
    if (state.shares > 1 && (state.coins > 3.5 || state.inFlightInvestments > 0)) {
      return [{ kind: 'feed', monkeys: state.shares - 1 }];
    }
    if (state.inFlightInvestments === 0 && state.coins > 6) {
      return [{ kind: 'invest', invested: (state.coins - 4) * 0.8 }];
    }
    if (market.forecast > 1 && state.coins > 4 + market.price) {
      const shares = Math.floor((state.coins - 4) / market.price);
      if (shares > 0) return [{ kind: 'market', type: 'BUY', shares }];
    }
    // Too few coins for the rules above: the share kept guards against the bailout, so half of them grow in a plantation.
    return plantIdleCoins(context, 0.5);
  },
};

export const STRATEGIES: Readonly<Record<string, Strategy>> = Object.freeze({
  random: randomStrategy,
  forecast: forecastStrategy,
  investor: investorStrategy,
  feeder: feederStrategy,
});

export function strategyByName(name: string): Strategy {
  const strategy = STRATEGIES[name];
  if (strategy === undefined) {
    throw new Error(`unknown strategy "${name}": expected one of ${Object.keys(STRATEGIES).join(', ')}`);
  }
  return strategy;
}
