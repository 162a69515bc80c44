/**
 * Runs a strategy for one trader: on each price it asks the strategy what to
 * do, executes the decisions one after another, and logs each decision and
 * result on one line. One decision round at a time: ticks that arrive while
 * orders are in flight are skipped, as a human trader would.
 */
import seedrandom from 'seedrandom';
import { decisionToAction, type BotDecision, type Strategy } from '../bots/strategy.js';
import type { BananaClient } from '../client/banana-client.js';
import type { SharePrice } from '../protocol/schemas.js';

export interface BotRunnerOptions {
  readonly client: BananaClient;
  readonly strategy: Strategy;
  readonly seed: string;
  readonly log: (line: string) => void;
}

export class BotRunner {
  private busy = false;
  private tick = 0;
  private readonly random: () => number;
  private stopped = false;
  private failure: ((err: Error) => void) | undefined;

  constructor(private readonly options: BotRunnerOptions) {
    this.random = seedrandom(options.seed);
  }

  /** Runs until stop(); rejects if the strategy throws (the bot's code is broken). */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.failure = reject;
      this.resolveStop = resolve;
      const { client } = this.options;
      client.onPrice((price) => void this.onPrice(price));
      client.onStatus((message) => this.options.log(`· ${message}`));
      client.onFatal((err) => reject(err));
    });
  }

  stop(): void {
    this.stopped = true;
    this.resolveStop?.();
  }

  private resolveStop: (() => void) | undefined;

  private async onPrice(price: SharePrice): Promise<void> {
    this.tick++;
    if (this.busy || this.stopped) return;
    const state = this.options.client.state;
    if (state === undefined) return;
    let decisions: readonly BotDecision[];
    try {
      decisions = this.options.strategy.decide({ market: { price: price.coins, forecast: price.forecast, tick: this.tick }, state, random: this.random });
    } catch (err) {
      this.stopped = true;
      this.failure?.(new Error(`your strategy threw in decide(): ${(err as Error).stack ?? String(err)}`));
      return;
    }
    if (decisions.length === 0) return;
    this.busy = true;
    try {
      for (const decision of decisions) {
        if (this.stopped) break;
        const action = decisionToAction(decision, this.options.client.nextTxnId());
        const label = describe(decision);
        try {
          const result = await this.options.client.execute(action);
          const s = result.state;
          this.options.log(
            `price ${price.coins.toFixed(3)} forecast ${price.forecast.toFixed(3)} → ${label.padEnd(16)} → ${result.status}${result.reason ? ` (${result.reason})` : ''}  coins ${s.coins.toFixed(2)} shares ${s.shares} fed ${s.fedMonkeys} bailouts ${s.bailouts}`,
          );
        } catch (err) {
          this.options.log(`price ${price.coins.toFixed(3)} → ${label.padEnd(16)} → failed: ${(err as Error).message}`);
        }
      }
    } finally {
      this.busy = false;
    }
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
