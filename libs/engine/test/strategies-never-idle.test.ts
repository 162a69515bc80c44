/**
 * Issue #21: a built-in strategy never sits idle for long while it could act.
 * In seeded virtual-time games — the built-ins alone, a room that over-plants
 * so plantations pay back less than planted, the 2018 rules, a hyped room
 * with bursts — each built-in's longest stretch of game time without an
 * accepted action, among stretches where some action was possible, is at
 * most a minute. (Before the fix, investor and feeder sat idle for the rest
 * of the over-planted games and forecast for up to 10 minutes in every room.)
 */
import type { TraderKey, TraderState } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES,
  MKTD2018_RULES,
  makeRules,
  runVirtualGame,
  STRATEGIES,
  type BotContext,
  type GameRules,
  type Strategy,
} from '../src/index.js';

const MINUTE = 60_000;
const HOURS = 3;
const SEEDS = ['idle-0', 'idle-1', 'idle-2'];
const ACTION_TYPES = new Set(['MARKET', 'INVEST', 'FEED']);

/** Whether some action is affordable: shares to feed or sell, coins for a share and its fee, or coins to plant. */
function canAct(state: TraderState, price: number, rules: GameRules): boolean {
  const canFeedOrSell = state.shares > 0;
  const canBuy = state.coins >= price * (1 + rules.tradeFee);
  const canInvest = state.coins > 0;
  return canFeedOrSell || canBuy || canInvest;
}

interface TickSeen {
  readonly time: number;
  readonly canAct: boolean;
  readonly state: TraderState;
}

interface IdleStretch {
  readonly ms: number;
  /** Where it started (the last accepted action, or when acting became possible) and the state at its longest. */
  readonly from: number;
  readonly to: number;
  readonly state: TraderState | undefined;
}

/**
 * The longest stretch without an accepted action among stretches where an
 * action was possible at every tick: it starts at the game's start, at an
 * accepted action or at the first tick where acting became possible again,
 * and ends at the next accepted action (or the last tick).
 */
function longestIdleStretch(start: number, ticks: readonly TickSeen[], accepted: ReadonlySet<number>): IdleStretch {
  let longest: IdleStretch = { ms: 0, from: start, to: start, state: undefined };
  let since: number | null = start;
  for (const tick of ticks) {
    if (!tick.canAct && !accepted.has(tick.time)) {
      since = null;
      continue;
    }
    since ??= tick.time;
    if (tick.time - since > longest.ms) longest = { ms: tick.time - since, from: since, to: tick.time, state: tick.state };
    if (accepted.has(tick.time)) since = tick.time;
  }
  return longest;
}

interface Room {
  readonly name: string;
  readonly rules: GameRules;
  /** Other traders in the room. */
  readonly others?: readonly Strategy[];
  readonly gibbs?: readonly { atMs: number; text: string }[];
}

/** The longest idle stretch of each strategy (by name) in one game of `room`, its traders named after their strategies. */
function idleStretches(room: Room, seed: string, strategies: readonly Strategy[], durationMs = HOURS * 3600_000): Map<string, IdleStretch> {
  const seen = new Map<string, TickSeen[]>();
  const watched = strategies.map((strategy): { trader: TraderKey; strategy: Strategy } => {
    const ticks: TickSeen[] = [];
    seen.set(strategy.name, ticks);
    const decide = (context: BotContext) => {
      const { state, market } = context;
      ticks.push({ time: market.time, canAct: canAct(state, market.price, room.rules), state });
      return strategy.decide(context);
    };
    return { trader: { team: 'WATCHED', name: strategy.name }, strategy: { ...strategy, decide } };
  });
  const others = (room.others ?? []).map((strategy) => ({ trader: { team: 'OTHERS', name: strategy.name }, strategy }));
  const start = Date.UTC(2026, 10, 22, 10, 0, 0);
  const game = runVirtualGame({ seed, durationMs, rules: room.rules, bots: [...watched, ...others], gibbs: room.gibbs, start });
  const stretches = new Map<string, IdleStretch>();
  for (const { trader } of watched) {
    const accepted = new Set(
      game.txnResults
        .filter(
          ({ trader: t, result }) =>
            t.team === trader.team && t.name === trader.name && result.status === 'ACCEPTED' && ACTION_TYPES.has(result.type),
        )
        .map(({ result }) => Date.parse(result.state.time)),
    );
    stretches.set(trader.name, longestIdleStretch(start, seen.get(trader.name) ?? [], accepted));
  }
  return stretches;
}

/** Plants every coin every tick, as the gallery's all-in does: the room's plantations saturate. */
function overPlanter(n: number): Strategy {
  return {
    name: `over-planter-${n}`,
    description: 'plants every coin every tick',
    decide: ({ state }) => (state.coins > 0.01 ? [{ kind: 'invest', invested: state.coins }] : []),
  };
}

const CHEER = 'banana great good buy love #MKTD';
const GLOOM = 'banana bad sell bubble burst no';

const ROOMS: readonly Room[] = [
  { name: 'the built-ins alone', rules: DEFAULT_RULES },
  {
    // Issue #21's case: after losing plantation coins, investor and feeder stayed idle for the rest of the game.
    name: 'an over-planted room (plantations pay back less than planted)',
    rules: makeRules({ investSaturationCoins: 300 }),
    others: [0, 1, 2].map(overPlanter),
  },
  { name: 'the 2018 rules', rules: MKTD2018_RULES },
  {
    name: 'a hyped room (a gibb a minute, bursts)',
    rules: DEFAULT_RULES,
    gibbs: Array.from({ length: HOURS * 60 }, (_, i) => ({ atMs: i * MINUTE + 17_000, text: i % 7 < 5 ? CHEER : GLOOM })),
  },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

describe('the idle-stretch measure', () => {
  const room: Room = { name: 'test', rules: DEFAULT_RULES };
  it('measures a strategy that never acts as idle for the whole game', () => {
    const never: Strategy = { name: 'never', description: 'waits', decide: () => [] };
    expect(idleStretches(room, 'measure', [never], 10 * MINUTE).get('never')?.ms).toBe(10 * MINUTE);
  });

  it('measures a strategy whose every order is refused as idle too', () => {
    const broke: Strategy = { name: 'broke', description: 'buys what it cannot pay', decide: () => [{ kind: 'market', type: 'BUY', shares: 1_000 }] };
    expect(idleStretches(room, 'measure', [broke], 10 * MINUTE).get('broke')?.ms).toBe(10 * MINUTE);
  });

  it('measures a strategy that feeds a monkey every 45 s as idle for 45 s at most', () => {
    const feeder: Strategy = {
      name: 'every-45-s',
      description: 'feeds one monkey every 45 s',
      decide: ({ market, state }) => (Math.round(market.time / 1000) % 45 === 0 && state.shares > 1 ? [{ kind: 'feed', monkeys: 1 }] : []),
    };
    // 5 shares: 4 feedings, then only the last share is left, which it keeps: idle again till the end.
    const stretch = idleStretches(room, 'measure', [feeder], 3 * MINUTE).get('every-45-s');
    expect(stretch?.ms).toBeLessThanOrEqual(45_000);
    expect(idleStretches(room, 'measure', [feeder], 10 * MINUTE).get('every-45-s')?.ms).toBeGreaterThan(5 * MINUTE);
  });
});

describe('every built-in strategy acts at least once a minute while it can', () => {
  for (const room of ROOMS) {
    it(`in ${room.name}, ${SEEDS.length} seeds × ${HOURS} h`, () => {
      const worst: string[] = [];
      for (const seed of SEEDS) {
        for (const [name, stretch] of idleStretches(room, seed, Object.values(STRATEGIES))) {
          if (stretch.ms > MINUTE) {
            const s = stretch.state;
            const at = s === undefined ? '' : ` (coins ${s.coins.toFixed(2)}, shares ${s.shares}, in flight ${s.inFlightInvestments})`;
            worst.push(`${name}, seed ${seed}: idle ${seconds(stretch.ms)} from ${new Date(stretch.from).toISOString()}${at}`);
          }
        }
      }
      // Each entry: a strategy idle for over a minute while it could act, and where.
      expect(worst).toEqual([]);
    });
  }
});
