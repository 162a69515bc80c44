/**
 * Runs a strategy for one trader: on each price it asks the strategy what to
 * do, executes the decisions one after another, and logs each decision and
 * result on one line. One decision round at a time: ticks that arrive while
 * orders are in flight are skipped, as a human trader would.
 */
import seedrandom from 'seedrandom';
import { BotDriver, MarketWatch, StrategyError, type BotDecision, type DecisionOutcome, type Strategy } from '@banana-market/engine';
import type { SharePrice } from '@banana-market/protocol';
import type { BananaClient } from '../client/banana-client.js';

export interface BotRunnerOptions {
  readonly client: BananaClient;
  readonly strategy: Strategy;
  readonly seed: string;
  readonly log: (line: string) => void;
}

/**
 * Runs a strategy for one trader with the engine's BotDriver — the same one
 * the server's house bots and virtual games use: on each price it asks the
 * strategy what to do, executes the decisions one after another, and logs
 * each decision and result on one line. Ticks that arrive while orders are
 * in flight are skipped, as a human trader would.
 */
export class BotRunner {
  private tick = 0;
  private readonly driver: BotDriver;
  private readonly watch = new MarketWatch();
  private failure: ((err: Error) => void) | undefined;
  private resolveStop: (() => void) | undefined;

  constructor(private readonly options: BotRunnerOptions) {
    const random = seedrandom(options.seed);
    this.driver = new BotDriver({
      trader: options.client.trader,
      strategy: options.strategy,
      random: () => random(),
      nextTxnId: () => options.client.nextTxnId(),
      onOutcome: (outcome) => this.logOutcome(outcome),
    });
  }

  /** Runs until stop(); rejects if the strategy throws (the bot's code is broken). */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.failure = reject;
      this.resolveStop = resolve;
      const { client } = this.options;
      client.onPrice((price) => this.onPrice(price));
      client.onGibb((gibb) => this.watch.onGibb(gibb));
      client.onGameEvent((event) => this.watch.onGameEvent(event));
      client.onStatus((message) => this.options.log(`· ${message}`));
      client.onFatal((err) => reject(err));
    });
  }

  stop(): void {
    this.driver.stop();
    this.resolveStop?.();
  }

  private onPrice(price: SharePrice): void {
    this.tick++;
    // The WebSocket feed adds the hype and the tick number to the price; over Kafka the hype comes from game events.
    const { hype, tick, plantationYield } = price as SharePrice & { hype?: number; tick?: number; plantationYield?: number };
    const observation = this.watch.observe({
      price: price.coins,
      forecast: price.forecast,
      time: price.time,
      tick: tick ?? this.tick,
      hype,
      plantationYield,
    });
    try {
      void this.driver.onTick(observation, this.options.client.state, (action) => this.options.client.execute(action));
    } catch (err) {
      if (!(err instanceof StrategyError)) throw err;
      this.driver.stop();
      this.failure?.(new Error(`your strategy threw in decide(): ${err.message.replace(/^the strategy "[^"]*" threw in decide\(\): /, '')}`));
    }
  }

  private logOutcome(outcome: DecisionOutcome): void {
    const { price: coins, forecast } = outcome.market;
    const label = describe(outcome.decision);
    if ('error' in outcome) {
      this.options.log(`price ${coins.toFixed(3)} → ${label.padEnd(16)} → failed: ${outcome.error.message}`);
      return;
    }
    const result = outcome.result;
    if (result === undefined) return;
    const s = result.state;
    this.options.log(
      `price ${coins.toFixed(3)} forecast ${forecast.toFixed(3)} → ${label.padEnd(16)} → ${result.status}${result.reason ? ` (${result.reason})` : ''}  coins ${s.coins.toFixed(2)} shares ${s.shares} fed ${s.fedMonkeys} bailouts ${s.bailouts}`,
    );
  }
}

function describe(decision: BotDecision): string {
  switch (decision.kind) {
    case 'market':
      return `${decision.type} ${decision.shares}`;
    case 'invest':
      return `INVEST ${decision.invested.toFixed(2)}`;
    case 'feed':
      return `FEED ${decision.monkeys}`;
  }
}
