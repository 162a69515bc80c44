/**
 * The server's own traders, so that a fresh `npm start` shows a living market.
 * Each is a BotDriver — the same one virtual games and participants' bot
 * runners use — deciding with a built-in strategy on every tick and acting
 * through the same path as players (its orders go onto the action topics).
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BotDriver, createRandom, MarketWatch, STRATEGIES, type Clock, type EngineEvent } from '@banana-market/engine';
import type { TraderKey } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { ActionSubmitter } from '../game/action-submitter.service.js';
import { GameService } from '../game/game.service.js';
import { GAME_CLOCK } from '../game/tokens.js';

/** The house bots' team unless HOUSE_TEAM names another (a 2018 room's clients know five teams only). */
export const HOUSE_TEAM = 'HOUSE';
const HOUSE_STRATEGY_ORDER = ['feeder', 'forecast', 'investor', 'random'] as const;

@Injectable()
export class HouseBotsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HouseBots');
  private bots: BotDriver[] = [];
  private readonly watch = new MarketWatch();
  private unsubscribe?: () => void;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly game: GameService,
    private readonly submitter: ActionSubmitter,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  /** Once the game is restored (GameService, at module init): a restored bot keeps its account. */
  onApplicationBootstrap(): void {
    if (this.config.houseBots === 0) return;
    this.bots = Array.from({ length: this.config.houseBots }, (_, i) => this.createBot(i));
    for (const bot of this.bots) this.game.registerTrader(bot.trader);
    this.unsubscribe = this.game.onEvents((events) => this.onGameEvents(events));
    this.logger.log(`${this.bots.length} house bot(s): ${this.bots.map((b) => `${b.trader.name} (${b.strategy.name})`).join(', ')}`);
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const bot of this.bots) bot.stop();
  }

  get traders(): TraderKey[] {
    return this.bots.map((b) => b.trader);
  }

  private createBot(index: number): BotDriver {
    const strategyName = HOUSE_STRATEGY_ORDER[index % HOUSE_STRATEGY_ORDER.length];
    const random = createRandom(`${this.config.seed}/house-bot/${index}`);
    const trader = { team: this.config.houseTeam, name: `${strategyName}-${index + 1}` };
    let txnCounter = 0;
    // A restarted server's bots must not reuse txnIds the restored game remembers (they would be answered, not applied).
    const run = this.clock.now().toString(36);
    return new BotDriver({
      trader,
      strategy: STRATEGIES[strategyName],
      random: () => random.next(),
      nextTxnId: () => `house-${trader.name}-${run}-${++txnCounter}`,
      onOutcome: (outcome) => {
        if ('error' in outcome) this.logger.warn(`${trader.name}: ${outcome.error.message}`);
        else if ('invalid' in outcome) this.logger.warn(`${trader.name}: bad decision skipped: ${outcome.invalid}`);
      },
    });
  }

  private onGameEvents(events: readonly EngineEvent[]): void {
    for (const event of events) if (event.kind === 'game-event') this.watch.onGameEvent(event.event);
    const tick = events.find((e) => e.kind === 'price');
    if (tick !== undefined && tick.kind === 'price' && this.game.status === 'running') {
      const { plantationYield } = this.game.snapshot();
      const observation = this.watch.observe({ ...tick.price, price: tick.price.coins, tick: tick.tick, hype: tick.hype, plantationYield });
      for (const bot of this.bots) {
        void bot.onTick(observation, this.game.traderState(bot.trader), (action) => this.submitter.submitAction(bot.trader, action));
      }
    }
    for (const event of events) {
      if (event.kind === 'game-event' && event.event.type === 'GAME_RESET') {
        for (const bot of this.bots) this.game.registerTrader(bot.trader);
      }
    }
  }
}
