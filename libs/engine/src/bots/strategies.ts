/**
 * The built-in strategies. They are deliberately simple and readable: a
 * participant should be able to beat them after reading them.
 */
import type { BotContext, Strategy } from './strategy.js';

/** Shares affordable with a fraction of the coins, keeping a reserve for the bailout rule. */
function affordableShares({ market, state }: BotContext, fraction: number): number {
  return Math.floor((Math.max(0, state.coins - 1) * fraction) / market.price);
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
  description: 'buys when the forecast says the price will rise, sells when it says it will fall (the 2018 starter)',
  decide(context) {
    const { market, state } = context;
    if (market.forecast > 1.002) {
      const shares = affordableShares(context, 0.5);
      return shares > 0 ? [{ kind: 'market', type: 'BUY', shares }] : [];
    }
    if (market.forecast < 0.998 && state.shares > 1) {
      return [{ kind: 'market', type: 'SELL', shares: Math.ceil(state.shares / 2) }];
    }
    // Between signals, shares beyond a trading stock go to the monkeys: that is what scores.
    if (state.shares > 6) return [{ kind: 'feed', monkeys: state.shares - 6 }];
    return [];
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
    return [];
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
    return [];
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
