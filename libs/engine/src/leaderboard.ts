/**
 * Standings from traders' states: the same ranking whoever computes it — the
 * engine from its accounts, or any server from the trader-states topic.
 */
import type { TraderKey, TraderState } from '@banana-market/protocol';
import type { Leaderboard, TeamStanding, TraderStanding } from './events.js';
import type { GameRules } from './rules.js';

/** Score = fed monkeys − penalty × bailouts. */
export function scoreOf(state: { readonly fedMonkeys: number; readonly bailouts: number }, rules: Pick<GameRules, 'bailoutPenalty'>): number {
  return state.fedMonkeys - rules.bailoutPenalty * state.bailouts;
}

/**
 * Traders by score, then fed monkeys, team and name; teams by the sum of
 * their traders' scores, then name. Pure: the input is left as it is.
 */
export function leaderboardOf(
  standings: readonly { readonly trader: TraderKey; readonly state: Pick<TraderState, 'fedMonkeys' | 'bailouts' | 'coins' | 'shares'> }[],
  rules: Pick<GameRules, 'bailoutPenalty'>,
): Leaderboard {
  const traders: TraderStanding[] = standings.map(({ trader, state }) => ({
    team: trader.team,
    name: trader.name,
    score: scoreOf(state, rules),
    fedMonkeys: state.fedMonkeys,
    bailouts: state.bailouts,
    coins: state.coins,
    shares: state.shares,
  }));
  traders.sort((x, y) => y.score - x.score || y.fedMonkeys - x.fedMonkeys || compare(x.team, y.team) || compare(x.name, y.name));
  const teamMap = new Map<string, { score: number; traders: number }>();
  for (const t of traders) {
    const team = teamMap.get(t.team) ?? { score: 0, traders: 0 };
    team.score += t.score;
    team.traders += 1;
    teamMap.set(t.team, team);
  }
  const teams: TeamStanding[] = [...teamMap].map(([team, s]) => ({ team, score: s.score, traders: s.traders }));
  teams.sort((x, y) => y.score - x.score || compare(x.team, y.team));
  return { traders, teams };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
