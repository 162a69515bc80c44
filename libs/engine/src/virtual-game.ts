/**
 * A whole game in virtual time: a seeded loop, bots deciding every tick with
 * the SDK's strategies, and scheduled gibbs. Tests and simulations use it to
 * play hours of market in seconds, exactly as the server would.
 */
import type { SharePrice, TraderKey, TxnResult } from '@banana-market/protocol';
import { BotDriver, StrategyError, type DecisionOutcome } from './bots/bot-driver.js';
import { MarketWatch } from './bots/market-watch.js';
import type { Strategy } from './bots/strategy.js';
import { VirtualClock } from './clock.js';
import type { EngineEvent, Leaderboard, TraderAction, TxnResultEvent } from './events.js';
import { GameLoop } from './game-loop.js';
import { createRandom } from './random.js';
import { DEFAULT_RULES, type GameRules } from './rules.js';

export interface VirtualBot {
  readonly trader: TraderKey;
  readonly strategy: Strategy;
}

export interface VirtualGameOptions {
  readonly seed: string;
  readonly durationMs: number;
  readonly rules?: GameRules;
  readonly bots?: readonly VirtualBot[];
  /** Gibbs to publish, `atMs` after the start (with their author, if any). */
  readonly gibbs?: readonly { readonly atMs: number; readonly text: string; readonly author?: string }[];
  readonly start?: number;
  /** Told about each bot's decisions and how they ended (a bad decision included). */
  readonly onOutcome?: (trader: TraderKey, outcome: DecisionOutcome) => void;
  /** A bot whose decide() threw: the tick is skipped for it and the game goes on. Without it, the error goes to the loop's listener errors. */
  readonly onStrategyError?: (trader: TraderKey, error: StrategyError) => void;
}

export interface VirtualGameResult {
  readonly prices: SharePrice[];
  /** The hype at each price tick, same order as `prices`. */
  readonly hypes: number[];
  readonly txnResults: { trader: TraderKey; result: TxnResult }[];
  readonly events: number;
  readonly leaderboard: Leaderboard;
  readonly startPrice: number;
}

export function runVirtualGame(options: VirtualGameOptions): VirtualGameResult {
  const rules = options.rules ?? DEFAULT_RULES;
  const clock = new VirtualClock(options.start);
  const start = clock.now();
  const loop = new GameLoop({ seed: options.seed, rules, clock });
  const prices: SharePrice[] = [];
  const hypes: number[] = [];
  const txnResults: { trader: TraderKey; result: TxnResult }[] = [];
  let events = 0;
  const watch = new MarketWatch();
  watch.setEnd(start + options.durationMs);
  let gibbCount = 0;
  const postGibb = (text: string, author?: string): void => {
    const n = gibbCount++;
    const gibb = { id: author === undefined ? `virtual-${n}` : `gibber:${author}:${n}`, time: new Date(clock.now()).toISOString(), text };
    watch.onGibb(gibb);
    loop.applyGibb(gibb);
  };
  const bots = (options.bots ?? []).map((bot, i) => {
    const random = createRandom(`${options.seed}/virtual-bot/${i}`);
    const onOutcome = options.onOutcome;
    const driver = new BotDriver({
      trader: bot.trader,
      strategy: bot.strategy,
      random: () => random.next(),
      onOutcome: onOutcome === undefined ? undefined : (outcome) => onOutcome(bot.trader, outcome),
    });
    return { driver, random };
  });
  /** The action's own result, read from the events the loop answers with. */
  const execute = (trader: TraderKey) => (action: TraderAction) => {
    const own = loop.submit(trader, action);
    return own.find((e): e is TxnResultEvent => e.kind === 'txn-result' && e.result.txnId === action.order.txnId)?.result;
  };
  const record = (batch: readonly EngineEvent[]): void => {
    events += batch.length;
    for (const event of batch) {
      if (event.kind === 'price') {
        prices.push(event.price);
        hypes.push(event.hype);
      }
      if (event.kind === 'txn-result') txnResults.push({ trader: event.trader, result: event.result });
      if (event.kind === 'game-event') watch.onGameEvent(event.event);
    }
  };
  loop.onEvents((batch) => {
    record(batch);
    const tick = batch.find((e) => e.kind === 'price');
    if (tick === undefined || tick.kind !== 'price') return;
    // Bots answer a tick right away, as house bots do on the server.
    const { plantationYield } = loop.snapshot();
    const observation = watch.observe({ ...tick.price, price: tick.price.coins, tick: tick.tick, hype: tick.hype, plantationYield });
    for (const { driver, random } of bots) {
      const state = loop.traderState(driver.trader);
      try {
        void driver.onTick(observation, state, execute(driver.trader));
      } catch (err) {
        if (!(err instanceof StrategyError) || options.onStrategyError === undefined) throw err;
        options.onStrategyError(driver.trader, err);
      }
      const text = state === undefined ? undefined : driver.strategy.gibb?.({ ...observation, state, random: () => random.next() });
      if (text !== undefined) postGibb(text, driver.trader.name);
    }
  });

  for (const { driver } of bots) loop.register(driver.trader);
  const startPrice = loop.currentPrice();
  loop.start();
  const gibbs = [...(options.gibbs ?? [])].sort((a, b) => a.atMs - b.atMs);
  for (const gibb of gibbs) clock.setTimeout(() => postGibb(gibb.text, gibb.author), gibb.atMs);
  clock.advanceTo(start + options.durationMs);
  loop.stop();
  return { prices, hypes, txnResults, events, leaderboard: loop.leaderboard(), startPrice };
}
