/**
 * Skilled strategies: what a participant who read the rules might write.
 * Each is a factory, since they remember what they planted (a fresh memory
 * per game). They know the documented plantation formula: a trader's own
 * growing coins lower its yield by investYieldMax × growing / investTraderCapacityCoins.
 */
import { DEFAULT_RULES, type BotContext, type BotDecision, type Strategy } from '@banana-market/engine';

const RULES = DEFAULT_RULES;

/** Whole shares that `coins` buy, the trade fee included. */
function sharesFor(coins: number, price: number): number {
  return Math.max(0, Math.floor(coins / (price * (1 + RULES.tradeFee))));
}

/** The last minutes of a game: everything becomes monkeys (but one share, or the trader would be bailed out). */
function endgame(context: BotContext, marginMs = 90_000): BotDecision[] | undefined {
  const { market, state } = context;
  if (market.timeLeftMs === null || market.timeLeftMs > marginMs) return undefined;
  const buy = sharesFor(state.coins - 0.01, market.price);
  if (buy > 0) return [{ kind: 'market', type: 'BUY', shares: buy }];
  if (state.shares > 1) return [{ kind: 'feed', monkeys: state.shares - 1 }];
  return [];
}

/**
 * The coins it has growing: plantations pay in the order they were planted
 * (one delay for all), so a drop in inFlightInvestments pays the oldest.
 */
function plantationBook() {
  const growing: number[] = [];
  return {
    sync(inFlight: number): void {
      while (growing.length > inFlight) growing.shift();
    },
    plant(coins: number): void {
      growing.push(coins);
    },
    get coins(): number {
      return growing.reduce((a, b) => a + b, 0);
    },
  };
}

/**
 * How much to plant now: up to where the yield of the last coin falls to
 * `minMarginal`, given the market's yield and what the trader already grows.
 */
function coinsToPlant(marketYield: number, growing: number, available: number, minMarginal: number): number {
  const perCoin = RULES.investYieldMax / RULES.investTraderCapacityCoins;
  const target = (marketYield - minMarginal) / perCoin - growing;
  return Math.max(0, Math.min(available, target));
}

export interface PlanterOptions {
  readonly name: string;
  readonly description: string;
  /** Watches the bursts: sells as one starts, buys back as it ends. */
  readonly hypeAware: boolean;
}

/**
 * Plants what pays (sizing each plantation to the yield), trades the
 * reversion with the rest — buys below the trend, sells above it — and
 * feeds everything in the last minutes.
 */
export function planter(options: PlanterOptions): () => Strategy {
  return () => {
    const book = plantationBook();
    return {
      name: options.name,
      description: options.description,
      decide(context) {
        const { market, state } = context;
        book.sync(state.inFlightInvestments);
        const end = endgame(context);
        if (end !== undefined) return end;
        const plant = coinsToPlant(market.plantationYield ?? 0, book.coins, state.coins - 1, 0.01);
        if (plant >= 1) {
          book.plant(plant);
          return [{ kind: 'invest', invested: plant }];
        }
        if (options.hypeAware && market.burst.inProgress) {
          // A burst melts most of the hype within a minute: the price follows it toward the base —
          // down from positive hype (sell as it starts, buy back as it ends), up from negative hype.
          const early = market.burst.step < market.burst.steps - 2;
          const falling = market.hype > 0;
          if (early === falling && state.shares > 1) return [{ kind: 'market', type: 'SELL', shares: state.shares - 1 }];
          if (early !== falling && state.coins - 2 > market.price) {
            return [{ kind: 'market', type: 'BUY', shares: sharesFor(state.coins - 2, market.price) }];
          }
          return [];
        }
        if (market.forecast > 1.01 && state.coins - 2 > market.price) {
          return [{ kind: 'market', type: 'BUY', shares: sharesFor(state.coins - 2, market.price) }];
        }
        if (market.forecast < 0.99 && state.shares > 1) return [{ kind: 'market', type: 'SELL', shares: state.shares - 1 }];
        return [];
      },
    };
  };
}

/** Trades the reversion with everything, plants nothing: the trader's way. */
export function reverter(): Strategy {
  return {
    name: 'reverter',
    description: 'buys with everything below the trend, sells everything above it, feeds at the end',
    decide(context) {
      const { market, state } = context;
      const end = endgame(context);
      if (end !== undefined) return end;
      if (market.forecast > 1.01 && state.coins - 2 > market.price) {
        return [{ kind: 'market', type: 'BUY', shares: sharesFor(state.coins - 2, market.price) }];
      }
      if (market.forecast < 0.99 && state.shares > 1) return [{ kind: 'market', type: 'SELL', shares: state.shares - 1 }];
      return [];
    },
  };
}

export const SKILLED = {
  planter: planter({ name: 'planter', hypeAware: false, description: 'plants what pays, trades the reversion, feeds at the end' }),
  'planter-twin': planter({ name: 'planter-twin', hypeAware: false, description: 'an identical copy of planter: luck alone separates them' }),
  'hype-rider': planter({
    name: 'hype-rider',
    hypeAware: true,
    description: 'planter that also watches the bubble: sells as a burst starts and buys back as it ends',
  }),
  reverter,
} as const satisfies Record<string, () => Strategy>;
