/**
 * The post-game report from what the game's topics hold: the prices
 * (share-price), the lifecycle, hype, bursts and bailouts (game-events), and
 * every answer with the trader's state after it (txn-results, txn-rejections).
 * Pure: records in, the report out (see report.service.ts for the reading).
 */
import {
  traderId,
  type GameEvent,
  type GameReport,
  type SharePrice,
  type TraderKey,
  type TraderState,
  type TxnRejection,
  type TxnResult,
} from '@banana-market/protocol';
import { scoreOf, type GameRules } from '@banana-market/engine';

const MINUTE_MS = 60_000;
/** A game under an hour is charted in at least this many steps (of whole seconds). */
const MIN_CHART_STEPS = 60;
/** The price chart's points at most: a 3-hour game at 1 s ticks is 10,800 prices. */
const MAX_PRICE_POINTS = 720;
/** Payouts the game makes by itself: not a trader's actions. */
const PAYOUTS: ReadonlySet<string> = new Set(['RETURN', 'BAILOUT']);

export interface ReportInput {
  readonly prices: readonly SharePrice[];
  readonly events: readonly GameEvent[];
  readonly results: readonly { readonly trader: TraderKey; readonly result: TxnResult }[];
  readonly rejections: readonly { readonly trader: TraderKey; readonly rejection: TxnRejection }[];
}

interface TraderTally {
  readonly trader: TraderKey;
  actions: number;
  accepted: number;
  readonly refused: Record<string, number>;
  /** The state after each answer, in order: [ms after start, state]. */
  readonly states: [number, TraderState][];
}

/** A rejection's kind: the code before a colon (RATE_LIMITED, GAME_OVER, BROKER_UNAVAILABLE), else the reason itself. */
export function refusalKind(reason: string): string {
  const code = /^([A-Z][A-Z_]+):/.exec(reason)?.[1];
  return code ?? (reason.length > 60 ? `${reason.slice(0, 59)}…` : reason);
}

export function buildGameReport(input: ReportInput, rules: Pick<GameRules, 'bailoutPenalty'>): GameReport {
  const start = input.prices.length > 0 ? Date.parse(input.prices[0].time) : undefined;
  const since = (time: string) => (start === undefined ? 0 : Math.max(0, Date.parse(time) - start));

  let hype = 0;
  const hypeChanges = input.events
    .filter((e) => e.type === 'HYPE_CHANGED' || e.type === 'BUBBLE_BURST_STARTED')
    .map((e) => [Date.parse(e.time), e.hype] as const);
  let nextHype = 0;
  const every = Math.max(1, Math.ceil(input.prices.length / MAX_PRICE_POINTS));
  const prices: [number, number, number][] = [];
  input.prices.forEach((price, i) => {
    const at = Date.parse(price.time);
    while (nextHype < hypeChanges.length && hypeChanges[nextHype][0] <= at) hype = hypeChanges[nextHype++][1];
    if (i % every === 0 || i === input.prices.length - 1) prices.push([since(price.time), price.coins, hype]);
  });

  const bursts = input.events.flatMap((e) => (e.type === 'BUBBLE_BURST_STARTED' ? [{ at: since(e.time), steps: e.steps }] : []));
  const bailouts = input.events.flatMap((e) => (e.type === 'BAILOUT' ? [{ at: since(e.time), team: e.trader.team, name: e.trader.name }] : []));

  const tallies = new Map<string, TraderTally>();
  const tally = (trader: TraderKey) => {
    const id = traderId(trader);
    let found = tallies.get(id);
    if (found === undefined) {
      found = { trader, actions: 0, accepted: 0, refused: {}, states: [] };
      tallies.set(id, found);
    }
    return found;
  };
  for (const { trader, result } of input.results) {
    const t = tally(trader);
    t.states.push([since(result.state.time), result.state]);
    if (PAYOUTS.has(result.type)) continue;
    t.actions++;
    if (result.status === 'ACCEPTED') t.accepted++;
    else t.refused[result.status] = (t.refused[result.status] ?? 0) + 1;
  }
  for (const { trader, rejection } of input.rejections) {
    const t = tally(trader);
    t.actions++;
    const kind = refusalKind(rejection.reason);
    t.refused[kind] = (t.refused[kind] ?? 0) + 1;
  }

  const lastAt = Math.max(0, prices.at(-1)?.[0] ?? 0, ...[...tallies.values()].map((t) => t.states.at(-1)?.[0] ?? 0));
  const minutes = Math.floor(lastAt / MINUTE_MS) + 1;
  const stepMs = lastAt >= 60 * MINUTE_MS ? MINUTE_MS : Math.max(1000, Math.ceil(lastAt / MIN_CHART_STEPS / 1000) * 1000);
  const steps = Math.floor(lastAt / stepMs) + 1;
  const teams: Record<string, number[]> = {};
  const traders: GameReport['traders'] = [];
  for (const t of tallies.values()) {
    t.states.sort((a, b) => a[0] - b[0]);
    const byMinute = scoresEvery(t.states, MINUTE_MS, minutes, rules);
    const team = teams[t.trader.team] ?? new Array<number>(steps).fill(0);
    teams[t.trader.team] = team;
    scoresEvery(t.states, stepMs, steps, rules).forEach((score, i) => {
      team[i] += score;
    });
    const last = t.states.at(-1)?.[1];
    const deltas = byMinute.map((score, m) => ({ minute: m, delta: score - (m === 0 ? 0 : byMinute[m - 1]) }));
    traders.push({
      team: t.trader.team,
      name: t.trader.name,
      actions: t.actions,
      accepted: t.accepted,
      refused: t.refused,
      fedMonkeys: last?.fedMonkeys ?? 0,
      bailouts: last?.bailouts ?? 0,
      score: last === undefined ? 0 : scoreOf(last, rules),
      bestMinute: deltas.reduce<(typeof deltas)[number] | null>((best, d) => (best === null || d.delta > best.delta ? d : best), null),
      worstMinute: deltas.reduce<(typeof deltas)[number] | null>((worst, d) => (worst === null || d.delta < worst.delta ? d : worst), null),
    });
  }
  traders.sort((a, b) => b.score - a.score || a.team.localeCompare(b.team) || a.name.localeCompare(b.name));
  return {
    startedAt: start === undefined ? null : new Date(start).toISOString(),
    prices,
    bursts,
    bailouts,
    minutes,
    teamScores: { stepMs, teams },
    traders,
  };
}

/** The trader's score at the end of each of `count` steps of `stepMs` (its last state by then; 0 before its first). */
function scoresEvery(states: readonly [number, TraderState][], stepMs: number, count: number, rules: Pick<GameRules, 'bailoutPenalty'>): number[] {
  const scores: number[] = [];
  let i = 0;
  let score = 0;
  for (let m = 0; m < count; m++) {
    const end = (m + 1) * stepMs;
    while (i < states.length && states[i][0] < end) score = scoreOf(states[i++][1], rules);
    scores.push(score);
  }
  return scores;
}
