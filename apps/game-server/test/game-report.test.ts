/**
 * The report from the game's records: team scores minute by minute, each
 * trader's answers by kind, best and worst minute, and the price sampled with
 * the hype it had — computed from records written by hand, so each figure is known.
 */
import { describe, expect, it } from 'vitest';
import type { GameEvent, SharePrice, TraderState, TxnRejection, TxnResult } from '@banana-market/protocol';
import { buildGameReport, refusalKind } from '../src/report/game-report.js';

const T0 = Date.UTC(2026, 11, 4, 14, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const state = (ms: number, fedMonkeys: number, bailouts = 0): TraderState => ({
  time: at(ms),
  coins: 5,
  shares: 1,
  fedMonkeys,
  bailouts,
  inFlightInvestments: 0,
});
const result = (ms: number, status: TxnResult['status'], fed: number, type: TxnResult['type'] = 'FEED', bailouts = 0): TxnResult => ({
  txnId: `t${ms}`,
  type,
  status,
  state: state(ms, fed, bailouts),
});
const ann = { team: 'APE', name: 'ann' };
const bob = { team: 'APE', name: 'bob' };
const cy = { team: 'BABOON', name: 'cy' };

describe('the game report', () => {
  const prices: SharePrice[] = Array.from({ length: 181 }, (_, i) => ({ time: at(i * 1000), coins: 10 + i / 100, forecast: 1 }));
  const events: GameEvent[] = [
    { type: 'HYPE_CHANGED', time: at(30_000), gibbId: 'g', delta: 0.05, hype: 0.05 },
    { type: 'BUBBLE_BURST_STARTED', time: at(90_000), hype: 0.3, steps: 10 },
    { type: 'BAILOUT', time: at(150_000), trader: cy, bailouts: 1 },
  ];
  const report = buildGameReport(
    {
      prices,
      events,
      results: [
        { trader: ann, result: result(10_000, 'ACCEPTED', 2) },
        { trader: ann, result: result(70_000, 'INSUFFICIENT_COINS', 2) },
        { trader: ann, result: result(130_000, 'ACCEPTED', 7) },
        { trader: bob, result: result(20_000, 'ACCEPTED', 1) },
        { trader: cy, result: result(40_000, 'ACCEPTED', 3) },
        { trader: cy, result: result(150_000, 'ACCEPTED', 3, 'BAILOUT', 1) },
      ],
      rejections: [
        {
          trader: bob,
          rejection: { txnId: 'r1', type: 'FEED', status: 'REJECTED', reason: 'RATE_LIMITED: at most 20 actions per second' } as TxnRejection,
        },
        { trader: bob, rejection: { txnId: 'r2', type: 'FEED', status: 'REJECTED', reason: 'the game is paused' } as TxnRejection },
      ],
    },
    { bailoutPenalty: 20 },
  );

  it("sums each team step by step from its traders' last states (3 s steps for a 3-minute game)", () => {
    expect(report.minutes).toBe(4);
    expect(report.teamScores.stepMs).toBe(3000);
    const at = (ms: number) => Object.fromEntries(Object.entries(report.teamScores.teams).map(([team, scores]) => [team, scores[ms / 3000 - 1]]));
    expect(at(9_000)).toEqual({ APE: 0, BABOON: 0 });
    expect(at(12_000)).toEqual({ APE: 2, BABOON: 0 });
    expect(at(60_000)).toEqual({ APE: 3, BABOON: 3 });
    expect(at(150_000)).toEqual({ APE: 8, BABOON: 3 });
    expect(at(153_000)).toEqual({ APE: 8, BABOON: -17 });
    expect(report.teamScores.teams.APE).toHaveLength(61);
  });

  it("counts each trader's answers by kind, and finds its best and worst minute", () => {
    expect(report.traders.map((t) => [t.team, t.name, t.score])).toEqual([
      ['APE', 'ann', 7],
      ['APE', 'bob', 1],
      ['BABOON', 'cy', -17],
    ]);
    expect(report.traders[0]).toMatchObject({ actions: 3, accepted: 2, refused: { INSUFFICIENT_COINS: 1 }, bestMinute: { minute: 2, delta: 5 } });
    expect(report.traders[1]).toMatchObject({ actions: 3, accepted: 1, refused: { RATE_LIMITED: 1, 'the game is paused': 1 } });
    expect(report.traders[2]).toMatchObject({ actions: 1, bailouts: 1, worstMinute: { minute: 2, delta: -20 } });
  });

  it('samples the price with the hype it had, and puts bursts and bailouts on the timeline', () => {
    expect(report.startedAt).toBe(at(0));
    expect(report.prices[0]).toEqual([0, 10, 0]);
    expect(report.prices.find(([ms]) => ms === 60_000)).toEqual([60_000, 10.6, 0.05]);
    expect(report.prices.find(([ms]) => ms === 120_000)?.[2]).toBe(0.3);
    expect(report.bursts).toEqual([{ at: 90_000, steps: 10 }]);
    expect(report.bailouts).toEqual([{ at: 150_000, team: 'BABOON', name: 'cy' }]);
  });

  it('names a refusal by its code, or by its reason', () => {
    expect(refusalKind('GAME_OVER: the game has ended')).toBe('GAME_OVER');
    expect(refusalKind('the game is paused')).toBe('the game is paused');
  });
});
