/**
 * Runs a strategy for one trader: on each price it asks the strategy what to
 * do, executes the decisions one after another, and logs each decision and
 * result on one line. One decision round at a time: ticks that arrive while
 * orders are in flight are skipped, as a human trader would. A bad decision
 * or a decide() that throws is one line, and the bot plays on; a bot that
 * does nothing says so every 30 s of game time.
 */
import { relative } from 'node:path';
import seedrandom from 'seedrandom';
import { BotDriver, MarketWatch, StrategyError, type BotDecision, type DecisionOutcome, type Strategy } from '@banana-market/engine';
import type { SharePrice } from '@banana-market/protocol';
import type { BananaClient } from '../client/banana-client.js';

export interface BotRunnerOptions {
  readonly client: BananaClient;
  readonly strategy: Strategy;
  readonly seed: string;
  readonly log: (line: string) => void;
  /** The participant's bot file (absolute), to point at the line of decide() that threw. */
  readonly botFile?: string;
  /** Print the whole stack when decide() throws. */
  readonly verbose?: boolean;
}

/** How long, in game time, a bot may stay silent before it says why it waits. */
export const HEARTBEAT_MS = 30_000;

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
  private resolveStop: (() => void) | undefined;
  /** Game time of the last line about this bot's play (a decision, a result, a heartbeat). */
  private saidAt: number | undefined;
  private quietTicks = 0;
  private lastThrow: { message: string; count: number } | undefined;

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

  /** Runs until stop(); rejects when the connection fails for good (a throwing decide() only skips its tick). */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
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
    const now = Date.parse(price.time);
    this.saidAt ??= now;
    const state = this.options.client.state;
    try {
      const round = this.driver.onTick(observation, state, (action) => this.options.client.execute(action));
      if (round === undefined && !this.driver.inFlight) this.quietTicks++;
    } catch (err) {
      if (!(err instanceof StrategyError)) throw err;
      this.reportThrow(err);
    }
    if (now - this.saidAt >= HEARTBEAT_MS) this.heartbeat(price, now);
  }

  /** decide() threw: one line pointing at the bot's own line (the stack only with --verbose), then play on. */
  private reportThrow(err: StrategyError): void {
    const cause = err.cause instanceof Error ? err.cause : new Error(String(err.cause));
    const message = `${cause.name}: ${cause.message}`;
    if (this.lastThrow?.message === message) {
      this.lastThrow.count++;
      return;
    }
    this.lastThrow = { message, count: 1 };
    const where = this.locate(cause);
    this.options.log(
      `✗ decide() threw${where === undefined ? '' : ` at ${where}`}: ${message} — this tick is skipped, the bot plays on${this.options.verbose ? '' : ' (--verbose for the stack)'}`,
    );
    if (this.options.verbose && cause.stack !== undefined) this.options.log(cause.stack);
  }

  private locate(error: Error): string | undefined {
    return this.options.botFile === undefined ? undefined : locateInStack(error, this.options.botFile);
  }

  /** A silent bot says every 30 s of game time where the market is, where it stands, and why it waits. */
  private heartbeat(price: SharePrice, now: number): void {
    this.saidAt = now;
    const s = this.options.client.state;
    const stands = s === undefined ? 'no state yet' : `coins ${s.coins.toFixed(2)} shares ${s.shares} fed ${s.fedMonkeys} bailouts ${s.bailouts}`;
    const thrown = this.lastThrow;
    const why =
      thrown !== undefined
        ? `decide() threw ${thrown.count} time${thrown.count === 1 ? '' : 's'}: ${thrown.message}`
        : `decide() returned no decision on the last ${this.quietTicks} tick${this.quietTicks === 1 ? '' : 's'}`;
    this.options.log(`· waiting: price ${price.coins.toFixed(3)} forecast ${price.forecast.toFixed(3)} · ${stands} · ${why}`);
    this.quietTicks = 0;
    this.lastThrow = undefined;
  }

  private logOutcome(outcome: DecisionOutcome): void {
    const { price: coins, forecast } = outcome.market;
    this.saidAt = outcome.market.time;
    this.quietTicks = 0;
    if ('invalid' in outcome) {
      this.options.log(`price ${coins.toFixed(3)} → ✗ bad decision, skipped: ${outcome.invalid}`);
      return;
    }
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

/** The bot file's own frame in an error's stack, as path:line:column relative to the working directory. */
export function locateInStack(error: Error, file: string): string | undefined {
  for (const line of (error.stack ?? '').split('\n')) {
    const at = line.indexOf(file);
    if (at < 0) continue;
    const position = /^:(\d+):(\d+)/.exec(line.slice(at + file.length));
    if (position !== null) return `${relative(process.cwd(), file)}:${position[1]}:${position[2]}`;
  }
  return undefined;
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
