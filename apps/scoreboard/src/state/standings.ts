/**
 * Ranks with their movement since the previous board, for the animated
 * leaderboard, and each team's fed monkeys, for its crowd.
 */
import { traderId, type LeaderboardView } from '@banana-market/protocol';

export type Movement = 'up' | 'down' | 'same' | 'new';

type TraderStanding = LeaderboardView['traders'][number];
type TeamStanding = LeaderboardView['teams'][number];

export interface RankedTrader extends TraderStanding {
  readonly id: string;
  readonly rank: number;
  readonly movement: Movement;
}

export interface RankedTeam extends TeamStanding {
  readonly rank: number;
  readonly movement: Movement;
  /** Monkeys fed by the team's traders: the size of its crowd. */
  readonly fedMonkeys: number;
}

export interface Standings {
  readonly traders: readonly RankedTrader[];
  readonly teams: readonly RankedTeam[];
}

function movementOf(previous: number | undefined, rank: number): Movement {
  if (previous === undefined) return 'new';
  return rank < previous ? 'up' : rank > previous ? 'down' : 'same';
}

/** Remembers the last ranks so each board says who moved. */
export class StandingsTracker {
  private traderRanks = new Map<string, number>();
  private teamRanks = new Map<string, number>();
  private current: Standings = { traders: [], teams: [] };

  get standings(): Standings {
    return this.current;
  }

  update(board: LeaderboardView): Standings {
    const traderRanks = new Map<string, number>();
    const traders = board.traders.map((t, i): RankedTrader => {
      const id = traderId(t);
      traderRanks.set(id, i + 1);
      return { ...t, id, rank: i + 1, movement: movementOf(this.traderRanks.get(id), i + 1) };
    });
    const fedByTeam = new Map<string, number>();
    for (const t of board.traders) fedByTeam.set(t.team, (fedByTeam.get(t.team) ?? 0) + t.fedMonkeys);
    const teamRanks = new Map<string, number>();
    const teams = board.teams.map((t, i): RankedTeam => {
      teamRanks.set(t.team, i + 1);
      return { ...t, rank: i + 1, movement: movementOf(this.teamRanks.get(t.team), i + 1), fedMonkeys: fedByTeam.get(t.team) ?? 0 };
    });
    this.traderRanks = traderRanks;
    this.teamRanks = teamRanks;
    this.current = { traders, teams };
    return this.current;
  }

  /** A new game: nobody "moved" from the old one. */
  forget(): void {
    this.traderRanks.clear();
    this.teamRanks.clear();
  }
}
