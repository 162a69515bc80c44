/**
 * The several-servers test's checks catch what they claim to: a healthy
 * cluster passes, and a lost, doubled or invented answer, a task owned twice
 * or by nobody, two leaders, a repeated tick and a gap in the prices are named.
 */
import { describe, expect, it } from 'vitest';
import { answerKey, checkExactlyOnce, checkOneLeader, checkPrices, checkTasks, TASKS, type ClusterHealth, type Expectation } from './checks.js';

const T = '{"team":"A","name":"a"}';
const tasks = (...partitions: number[]): ClusterHealth['tasks'] => partitions.map((partition) => ({ partition, lag: 0 }));
const health = (leads: boolean, ...partitions: number[]): ClusterHealth => ({ status: 'ok', marketLeader: leads, tasks: tasks(...partitions) });

describe('the several-servers checks', () => {
  it('exactly once: pass on one answer each, name a lost, a doubled and an invented one', () => {
    const expected = new Map<string, Expectation>([
      [answerKey(T, 'k1'), 'exactly-once'],
      [answerKey(T, 'k2'), 'exactly-once'],
      [answerKey(T, 'h1'), 'at-most-once'],
    ]);
    expect(
      checkExactlyOnce(
        expected,
        new Map([
          [answerKey(T, 'k1'), 1],
          [answerKey(T, 'k2'), 1],
        ]),
      ),
    ).toEqual({ missing: [], doubled: [], extra: [] });
    expect(
      checkExactlyOnce(
        expected,
        new Map([
          [answerKey(T, 'k1'), 2],
          [answerKey(T, 'h1'), 2],
          [answerKey(T, 'x9'), 1],
        ]),
      ),
    ).toEqual({
      missing: [answerKey(T, 'k2')],
      doubled: [`${answerKey(T, 'k1')}: answered 2 times`, `${answerKey(T, 'h1')}: answered 2 times`],
      extra: [`${answerKey(T, 'x9')}: answered 1 times, never sent`],
    });
  });

  it('tasks: pass on a split and on a sole owner, name a task owned twice or by nobody, an idle server, a missing field', () => {
    expect(TASKS).toBe(8);
    const split = new Map([
      ['a', health(true, 0, 2, 4, 6)],
      ['b', health(false, 1, 3, 5, 7)],
    ]);
    expect(checkTasks(split, { everyOwnsSome: true })).toEqual([]);
    expect(checkTasks(new Map([['a', health(true, 0, 1, 2, 3, 4, 5, 6, 7)]]), { sole: 'a' })).toEqual([]);
    expect(checkTasks(split, { sole: 'a' })).toHaveLength(4);
    expect(
      checkTasks(
        new Map([
          ['a', health(true, 0, 1, 2, 3, 4, 5, 6)],
          ['b', health(false, 6)],
          ['c', health(false)],
        ]),
        { everyOwnsSome: true },
      ),
    ).toEqual(['c: owns no task', 'task 6: owned by a and b', 'task 7: owned by no server']);
    expect(checkTasks(new Map([['a', { status: 'ok' }]]))[0]).toMatch(/^a: \/api\/health has no "tasks"/);
    expect(checkTasks(new Map([['a', undefined]]))[0]).toBe('a: no answer from /api/health');
  });

  it('leader: exactly one', () => {
    expect(
      checkOneLeader(
        new Map([
          ['a', health(true)],
          ['b', health(false)],
        ]),
      ),
    ).toEqual([]);
    expect(
      checkOneLeader(
        new Map([
          ['a', health(true)],
          ['b', health(true)],
        ]),
      ),
    ).toEqual(['2 market leaders (a, b) among 2 servers']);
    expect(checkOneLeader(new Map([['a', health(false)]]))).toEqual(['0 market leaders (none) among 1 servers']);
    expect(checkOneLeader(new Map([['a', { status: 'ok' }]]))).toEqual(['a: /api/health has no boolean "marketLeader"']);
  });

  it('prices: pass on one per tick, name a repeated tick, time going back and a gap', () => {
    const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
    const ok = [0, 150, 300, 450].map((ms) => ({ time: at(ms), coins: 1, receivedAt: 5_000 + ms }));
    expect(checkPrices(ok, 15_000)).toEqual([]);
    const twoLeaders = [...ok, { time: at(450), coins: 1.01, receivedAt: 5_460 }];
    expect(checkPrices(twoLeaders, 15_000)).toEqual([expect.stringContaining('a second price for the tick')]);
    expect(checkPrices([...ok, { time: at(300), coins: 1, receivedAt: 5_500 }], 15_000)).toEqual([expect.stringContaining('game time went back')]);
    expect(checkPrices([...ok, { time: at(600), coins: 1, receivedAt: 25_000 }], 15_000)).toEqual([
      expect.stringContaining('arrived 19550 ms after'),
    ]);
    expect(checkPrices([...ok, { time: at(20_000), coins: 1, receivedAt: 5_600 }], 15_000)).toEqual([
      expect.stringContaining('ms of game time after the previous one'),
    ]);
  });
});
