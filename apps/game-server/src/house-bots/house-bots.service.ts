/**
 * The server's own traders, so that a fresh `npm start` shows a living market.
 * They decide with the SDK's strategies and act through the same path as
 * players (their orders go onto the action topics), one decision per tick.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { decisionToAction, STRATEGIES, type Strategy, type TraderAction, type TraderKey } from '@banana-market/sdk';
import { createRandom, type EngineEvent } from '@banana-market/engine';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { ActionSubmitter, type SubmittedAction } from '../game/action-submitter.service.js';
import { GameService } from '../game/game.service.js';

export const HOUSE_TEAM = 'HOUSE';
const HOUSE_STRATEGY_ORDER = ['feeder', 'forecast', 'investor', 'random'] as const;

interface HouseBot {
  readonly trader: TraderKey;
  readonly strategy: Strategy;
  readonly random: () => number;
  /** A bot waits for the answer to its last order before deciding again. */
  busy: boolean;
  txnCounter: number;
}

@Injectable()
export class HouseBotsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('HouseBots');
  private bots: HouseBot[] = [];
  private unsubscribe?: () => void;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly game: GameService,
    private readonly submitter: ActionSubmitter,
  ) {}

  onModuleInit(): void {
    if (this.config.houseBots === 0) return;
    this.bots = Array.from({ length: this.config.houseBots }, (_, i) => this.createBot(i));
    for (const bot of this.bots) this.game.registerTrader(bot.trader);
    this.unsubscribe = this.game.onEvents((events) => this.onGameEvents(events));
    this.logger.log(`${this.bots.length} house bot(s): ${this.bots.map((b) => `${b.trader.name} (${b.strategy.name})`).join(', ')}`);
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  get traders(): TraderKey[] {
    return this.bots.map((b) => b.trader);
  }

  private createBot(index: number): HouseBot {
    const strategyName = HOUSE_STRATEGY_ORDER[index % HOUSE_STRATEGY_ORDER.length];
    const random = createRandom(`${this.config.seed}/house-bot/${index}`);
    return {
      trader: { team: HOUSE_TEAM, name: `${strategyName}-${index + 1}` },
      strategy: STRATEGIES[strategyName],
      random: () => random.next(),
      busy: false,
      txnCounter: 0,
    };
  }

  private onGameEvents(events: readonly EngineEvent[]): void {
    const tick = events.find((e) => e.kind === 'price');
    if (tick !== undefined && tick.kind === 'price') {
      for (const bot of this.bots) this.decide(bot, tick.price.coins, tick.price.forecast, tick.tick);
    }
    for (const event of events) {
      if (event.kind === 'game-event' && event.event.type === 'GAME_RESET') {
        for (const bot of this.bots) this.game.registerTrader(bot.trader);
      }
    }
  }

  private decide(bot: HouseBot, price: number, forecast: number, tick: number): void {
    if (bot.busy || this.game.loop.status !== 'running') return;
    const state = this.game.loop.engine.traderState(bot.trader);
    if (state === undefined) return;
    const [decision] = bot.strategy.decide({ market: { price, forecast, tick }, state, random: bot.random });
    if (decision === undefined) return;
    bot.busy = true;
    const txnId = `house-${bot.trader.name}-${++bot.txnCounter}`;
    this.submitter
      .submit(bot.trader, toSubmitted(decisionToAction(decision, txnId)))
      .catch((err: Error) => this.logger.warn(`${bot.trader.name}: ${err.message}`))
      .finally(() => {
        bot.busy = false;
      });
  }
}

function toSubmitted(action: TraderAction): SubmittedAction {
  return { kind: action.kind, body: action.order } as SubmittedAction;
}
