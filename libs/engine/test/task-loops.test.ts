/**
 * A game split into tasks: one loop in the market role moves the market and
 * the lifecycle, task loops hold the traders and follow the market loop's
 * record (followGame). The tasks trade at the market's price, pause, resume,
 * end and start over with it, announce none of it, and each draws its own
 * plantation luck under the whole game's plantation load.
 */
import { describe, expect, it } from 'vitest';
import type { GameRecord } from '@banana-market/protocol';
import {
  ENDED_REASON,
  GameLoop,
  PAUSED_REASON,
  VirtualClock,
  makeRules,
  sumPlantationLoads,
  type EngineEvent,
  type GameLoopOptions,
  type GameRulesInput,
  type TraderAction,
} from '../src/index.js';
import { T0, alice, bob, results } from './support.js';

const RULES = makeRules({ startCoins: 5000, investDelayMs: 30_000, burstProbabilityPerHype: 3, burstStepMs: 3000 });

type TaskOptions = Partial<Omit<GameLoopOptions, 'clock' | 'role'>>;

interface Followed {
  readonly clock: VirtualClock;
  readonly market: GameLoop;
  readonly tasks: GameLoop[];
  readonly marketEvents: EngineEvent[];
  readonly taskEvents: EngineEvent[][];
  /** Called with every record the tasks follow, after they did. */
  afterFollow?: () => void;
  /** Adds a task loop (a restored one, say) that follows from now on. */
  follow(task: GameLoop): EngineEvent[];
}

/**
 * A market loop whose every record goes to its task loops, as the server
 * sends its game changelog: after each of its emits, the 'game' entry of
 * takeChanges.
 */
function splitGame(taskOptions: TaskOptions[], rules: Partial<GameRulesInput> = {}): Followed {
  const clock = new VirtualClock(T0);
  const gameRules = makeRules({ ...RULES, ...rules });
  const market = new GameLoop({ seed: 'shared', clock, rules: gameRules, trackChanges: true });
  const game: Followed = {
    clock,
    market,
    tasks: [],
    marketEvents: [],
    taskEvents: [],
    follow(task) {
      const events: EngineEvent[] = [];
      task.onEvents((batch) => events.push(...batch));
      game.tasks.push(task);
      game.taskEvents.push(events);
      return events;
    },
  };
  for (const options of taskOptions) {
    // The seed a task is configured with does not matter: the first record it follows brings the game's.
    game.follow(new GameLoop({ seed: 'not-yet-known', clock, rules: gameRules, trackChanges: true, role: 'task', ...options }));
  }
  market.onEvents((batch) => {
    game.marketEvents.push(...batch);
    const entry = market.takeChanges().find((e) => e.store === 'game');
    if (entry?.store !== 'game') return;
    for (const task of game.tasks) task.followGame(entry.value as GameRecord);
    game.afterFollow?.();
  });
  return game;
}

const invest = (txnId: string, invested: number): TraderAction => ({ kind: 'invest', order: { txnId, invested } });
const buy = (txnId: string, shares: number): TraderAction => ({ kind: 'market', order: { txnId, type: 'BUY', shares } });
const gameEvents = (events: readonly EngineEvent[]) => events.flatMap((e) => (e.kind === 'game-event' ? [e.event.type] : []));
const returns = (events: readonly EngineEvent[]) => results(events).filter((r) => r.type === 'RETURN');
/** What each RETURN paid: the coins it brought back. */
const payouts = (events: readonly EngineEvent[]) => {
  const paid: number[] = [];
  let coins: number | undefined;
  for (const r of results(events)) {
    if (r.type === 'RETURN' && coins !== undefined) paid.push(r.state.coins - coins);
    coins = r.state.coins;
  }
  return paid;
};

describe('task loops following the market loop', () => {
  it('show the market loop’s market at every tick and announce neither prices nor the lifecycle', () => {
    const game = splitGame([{ randomStream: 'task-0' }, { randomStream: 'task-1' }]);
    const { clock, market, tasks } = game;
    for (const task of tasks) task.start();
    expect(results(tasks[0].submit(alice, buy('early', 1)))[0]).toMatchObject({ status: 'REJECTED', reason: PAUSED_REASON });
    const mismatches: unknown[] = [];
    let compared = 0;
    game.afterFollow = () => {
      const { plantationYield: _, ...leader } = market.snapshot();
      for (const task of tasks) {
        const { plantationYield: __, ...followed } = task.snapshot();
        compared += 1;
        if (JSON.stringify(task.market()) !== JSON.stringify(market.market())) mismatches.push({ leader: market.market(), task: task.market() });
        if (JSON.stringify(followed) !== JSON.stringify(leader)) mismatches.push({ leader, task: followed });
      }
    };
    market.start();
    for (let i = 0; i < 120; i++) {
      if (i % 5 === 0) market.applyGibb({ id: `g${i}`, time: new Date(clock.now()).toISOString(), text: 'banana yes good happy #mktd' });
      expect(tasks[0].currentPrice()).toBe(market.currentPrice());
      tasks[0].submit(alice, i % 2 === 0 ? buy(`a${i}`, 1) : invest(`a${i}`, 5));
      tasks[1].submit(bob, i % 3 === 0 ? invest(`b${i}`, 3) : buy(`b${i}`, 2));
      clock.advance(1000);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(2 * 120);
    // The market did move: ticks, hype and a burst, which the tasks showed.
    expect(game.marketEvents.filter((e) => e.kind === 'price')).toHaveLength(120);
    expect(gameEvents(game.marketEvents)).toContain('BUBBLE_BURST_STEP');
    for (const events of game.taskEvents) {
      expect(events.filter((e) => e.kind === 'price')).toEqual([]);
      expect(gameEvents(events)).toEqual([]);
      expect(returns(events).length).toBeGreaterThan(0);
    }
    expect(market.traders()).toEqual([]);
    expect(tasks.map((t) => t.traders())).toEqual([[alice], [bob]]);
  });

  it('pause, resume, end and start over with it, silently', () => {
    const game = splitGame([{ randomStream: 'task-0' }]);
    const { clock, market } = game;
    const [task] = game.tasks;
    const events = game.taskEvents[0];
    market.start();
    expect(events).toEqual([]); // a task with no trader takes the game silently
    expect(task.seed).toBe('shared');
    expect(task.gameStartedAt).toBe(market.gameStartedAt);
    clock.advance(1000);
    task.submit(alice, invest('i1', 10)); // due at T0 + 31 s
    clock.advance(9000);

    market.pause();
    expect(task.status).toBe('paused');
    expect(results(task.submit(alice, buy('p', 1)))[0]).toMatchObject({ status: 'REJECTED', reason: PAUSED_REASON });
    clock.advance(60_000);
    expect(returns(events)).toEqual([]);
    market.resume();
    expect(task.status).toBe('running');
    // Paused 60 s: the plantation pays 60 s later than it was due.
    clock.advance(20_999);
    expect(returns(events)).toEqual([]);
    clock.advance(1);
    expect(returns(events).map((r) => r.state.time)).toEqual([new Date(T0 + 91_000).toISOString()]);

    market.end();
    expect(task.status).toBe('ended');
    expect(task.revealedSeed).toBe('shared');
    expect(results(task.submit(alice, buy('e', 1)))[0]).toMatchObject({ status: 'REJECTED', reason: ENDED_REASON });

    task.takeChanges();
    const before = events.length;
    market.reset('next-game');
    expect(events.slice(before)).toEqual([
      {
        kind: 'trader-state',
        trader: alice,
        state: { time: new Date(clock.now()).toISOString(), coins: 5000, shares: 5, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 },
      },
    ]);
    expect(task.seed).toBe('next-game');
    expect(task.revealedSeed).toBeUndefined();
    expect(task.gameStartedAt).toBe(market.gameStartedAt);
    expect(task.status).toBe('running');
    // The old game's memory is deleted from the task's store; its record is the new game's.
    const changes = task.takeChanges();
    expect(changes.filter((c) => c.store === 'txn' || c.store === 'recent').map((c) => [c.store, c.value])).toEqual([
      ['recent', null],
      ['txn', null],
    ]);
    expect(changes.find((c) => c.store === 'game')?.value).toMatchObject({ seed: 'next-game', startedAt: market.gameStartedAt, phase: 'running' });
    expect(results(task.submit(alice, buy('after-reset', 1)))[0].status).toBe('ACCEPTED');
    expect(gameEvents(events)).toEqual([]);
    expect(gameEvents(game.marketEvents)).toEqual(['GAME_STARTED', 'GAME_PAUSED', 'GAME_RESUMED', 'GAME_ENDED', 'GAME_RESET']);
  });

  it('move no market of their own while no record comes, and still pay plantations', () => {
    const game = splitGame([{ randomStream: 'task-0' }]);
    const [task] = game.tasks;
    const events = game.taskEvents[0];
    game.market.start();
    game.clock.advance(5000);
    task.submit(alice, invest('i', 10));
    // The market loop's records stop coming (say it is slow), in the middle of a burst.
    const record = game.market.save().game;
    game.market.stop();
    task.followGame({ ...record, market: { ...record.market, hype: 0.4, burst: { nextStep: 0, nextStepAt: record.market.nextTickAt } } });
    const before = task.snapshot();
    game.clock.advance(60_000);
    expect(events.filter((e) => e.kind === 'price')).toEqual([]);
    expect(task.snapshot()).toMatchObject({ tick: 5, hype: 0.4, price: before.price, burstInProgress: true, burstStep: 0 });
    expect(returns(events)).toHaveLength(1);
    // Nothing in flight: no timer at all (a timer for "never" fires at once on the wall clock).
    expect(game.clock.pendingTimers()).toBe(0);
  });

  it('leave the lifecycle to the market loop', () => {
    const game = splitGame([{}]);
    const [task] = game.tasks;
    for (const command of ['pause', 'resume', 'end', 'reset'] as const) expect(() => task[command]()).toThrow(/follows the game/);
    expect(() => game.market.followGame(game.market.save().game)).toThrow(/task/);
  });
});

describe('plantations split over tasks', () => {
  it('yield less under a heavy external load', () => {
    const heavy = { recentCoins: 2500, totalInvested: 2500 };
    const game = splitGame([{ randomStream: 'task-0' }, { randomStream: 'task-0', externalLoad: () => heavy }]);
    const [alone, loaded] = game.tasks;
    game.market.start();
    expect(alone.snapshot().plantationYield).toBeCloseTo(0.12, 9);
    expect(loaded.snapshot().plantationYield).toBeCloseTo(0.12 * (1 - 2500 / 3000), 9);
    for (const task of game.tasks) task.submit(alice, invest('i', 20));
    game.clock.advance(30_000);
    const [[paidAlone], [paidLoaded]] = game.taskEvents.map(payouts);
    expect(paidAlone).toBeGreaterThan(20);
    expect(paidLoaded).toBeLessThan(paidAlone - 20 * 0.05);
  });

  it('under the 2018 rules, take longer when the rest of the game invested more', () => {
    const game = splitGame(
      [{ randomStream: 'task-0' }, { randomStream: 'task-0', externalLoad: () => ({ recentCoins: 0, totalInvested: 10_000 }) }],
      {
        plantationModel: 'mktd2018',
        investSaturationCoins: 1000,
      },
    );
    game.market.start();
    for (const task of game.tasks) task.submit(alice, invest('i', 10));
    game.clock.advance(1000);
    expect(game.taskEvents.map((events) => returns(events).length)).toEqual([1, 0]);
    game.clock.advance(59_000);
    expect(returns(game.taskEvents[1])).toHaveLength(1);
    expect(game.tasks[1].snapshot().plantationYield).toBeLessThan(game.tasks[0].snapshot().plantationYield);
  });

  it('count each task’s own load, forgotten after the window, in the others’ and in the market’s', () => {
    const clock = new VirtualClock(T0);
    const tasks: GameLoop[] = [];
    const othersThan = (self: number) => () => sumPlantationLoads(tasks.filter((_, p) => p !== self).map((t) => t.ownLoad()));
    for (const p of [0, 1]) {
      tasks.push(new GameLoop({ seed: 's', clock, rules: RULES, role: 'task', randomStream: `task-${p}`, externalLoad: othersThan(p) }));
    }
    const market = new GameLoop({ seed: 's', clock, rules: RULES, externalLoad: () => sumPlantationLoads(tasks.map((t) => t.ownLoad())) });
    market.onEvents(() => {
      for (const task of tasks) task.followGame(market.save().game);
    });
    market.start();
    const yieldUnder = (recentCoins: number) => 0.12 * (1 - recentCoins / 3000);
    clock.advance(1000);
    tasks[0].submit(alice, invest('a', 500));
    clock.advance(60_000);
    tasks[0].submit(alice, invest('b', 700));
    tasks[1].submit(bob, invest('c', 300));
    expect(tasks[0].ownLoad()).toEqual({ recentCoins: 1200, totalInvested: 1200 });
    expect(market.snapshot().plantationYield).toBeCloseTo(yieldUnder(1500), 9);
    expect(tasks[1].snapshot().plantationYield).toBeCloseTo(yieldUnder(1500), 9);
    clock.advance(RULES.investWindowMs - 60_000); // the first plantation leaves the window
    expect(tasks[0].ownLoad()).toEqual({ recentCoins: 700, totalInvested: 1200 });
    expect(market.snapshot().plantationYield).toBeCloseTo(yieldUnder(1000), 9);
    clock.advance(60_000);
    expect(tasks[0].ownLoad()).toEqual({ recentCoins: 0, totalInvested: 1200 });
    expect(market.snapshot().plantationYield).toBeCloseTo(yieldUnder(0), 9);
  });

  it('a task restored from its own save draws the same luck as the one that went on', () => {
    const game = splitGame([{ randomStream: 'task-0' }]);
    const [original] = game.tasks;
    game.market.start();
    for (let i = 0; i < 5; i++) {
      original.submit(alice, invest(`before${i}`, 40));
      game.clock.advance(7000);
    }
    const restored = new GameLoop({ seed: 'configured', clock: game.clock, rules: RULES, trackChanges: true, role: 'task', randomStream: 'task-0' });
    const save = structuredClone(original.save());
    expect(save.returns).toHaveLength(4);
    restored.restore(save);
    restored.start();
    const after = game.follow(restored);
    const goneOn = game.taskEvents[0].length;
    for (let i = 0; i < 5; i++) {
      for (const task of [original, restored]) task.submit(alice, invest(`after${i}`, 40));
      game.clock.advance(7000);
    }
    game.clock.advance(60_000);
    expect(returns(after)).toHaveLength(4 + 5); // those in flight at the save, then the new ones
    expect(after).toEqual(game.taskEvents[0].slice(goneOn));
    expect(restored.save()).toEqual(original.save());
  });

  it('two tasks draw different luck from the same game', () => {
    const game = splitGame([{ randomStream: 'task-0' }, { randomStream: 'task-1' }]);
    game.market.start();
    for (let i = 0; i < 5; i++) for (const task of game.tasks) task.submit(alice, invest(`i${i}`, 10));
    game.clock.advance(30_000);
    const [luck0, luck1] = game.taskEvents.map(payouts);
    expect(luck0).toHaveLength(5);
    expect(luck1).toHaveLength(5);
    expect(luck1).not.toEqual(luck0);
  });
});
