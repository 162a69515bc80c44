/**
 * Hosts the game: one GameLoop (engine + clock) whose events go to the bus.
 * The rules live in @banana-market/engine; this class only wires them to time
 * and to topics, and offers the coach's controls.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, decodeMessage, TOPICS, type Gibb, type TraderKey } from '@banana-market/sdk';
import { GameLoop, type Clock, type EngineEvent, type TraderAction, type ActionTxnType } from '@banana-market/engine';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { EngineEventPublisher } from './engine-event-publisher.js';
import { GAME_CLOCK } from './tokens.js';

export type GameListener = (events: readonly EngineEvent[]) => void;

@Injectable()
export class GameService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Game');
  private readonly publisher: EngineEventPublisher;
  private readonly listeners = new Set<GameListener>();
  private loopInstance!: GameLoop;
  private currentSeed: string;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {
    this.publisher = new EngineEventPublisher(bus);
    this.currentSeed = config.seed;
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(ALL_TOPICS);
    this.loopInstance = this.createLoop(this.currentSeed);
    await this.restoreTraderStates();
    this.loopInstance.start();
    this.emit([this.gameEvent({ type: 'GAME_STARTED', seed: this.currentSeed })]);
    this.logger.log(`game started with seed "${this.currentSeed}", tick ${this.config.rules.tickMs} ms`);
  }

  onApplicationShutdown(): void {
    this.loopInstance?.stop();
  }

  get loop(): GameLoop {
    return this.loopInstance;
  }

  get seed(): string {
    return this.currentSeed;
  }

  /** Listens to every event the game produces (after it is handed to the bus). */
  onEvents(listener: GameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  executeAction(trader: TraderKey, action: TraderAction): readonly EngineEvent[] {
    return this.loopInstance.submit(trader, action);
  }

  rejectAction(trader: TraderKey, type: ActionTxnType, txnId: string, reason: string): readonly EngineEvent[] {
    return this.loopInstance.reject(trader, type, txnId, reason);
  }

  applyGibb(gibb: Gibb): readonly EngineEvent[] {
    return this.loopInstance.applyGibb(gibb);
  }

  registerTrader(trader: TraderKey): void {
    const { created, state } = this.loopInstance.register(trader);
    if (created) this.emit([{ kind: 'trader-state', trader, state }]);
  }

  pause(): void {
    if (this.loopInstance.status !== 'running') return;
    this.loopInstance.pause();
    this.emit([this.gameEvent({ type: 'GAME_PAUSED' })]);
  }

  resume(): void {
    if (this.loopInstance.status !== 'paused') return;
    this.loopInstance.resume();
    this.emit([this.gameEvent({ type: 'GAME_RESUMED' })]);
  }

  end(): void {
    if (this.loopInstance.status === 'ended') return;
    this.loopInstance.end();
    this.emit([this.gameEvent({ type: 'GAME_ENDED' })]);
  }

  /** A fresh game with the same rules (and the same seed unless given): registered traders start over. */
  reset(seed?: string): void {
    const traders = this.loopInstance.engine.traders().map((t) => t.trader);
    this.loopInstance.stop();
    this.currentSeed = seed ?? this.currentSeed;
    this.loopInstance = this.createLoop(this.currentSeed);
    const states: EngineEvent[] = [];
    for (const trader of traders) {
      const { state } = this.loopInstance.register(trader);
      states.push({ kind: 'trader-state', trader, state });
    }
    this.loopInstance.start();
    this.emit([this.gameEvent({ type: 'GAME_RESET', seed: this.currentSeed }), ...states]);
  }

  /** Resolves once every event so far has been handed to the bus. */
  flushed(): Promise<void> {
    return this.publisher.flushed();
  }

  private createLoop(seed: string): GameLoop {
    const loop = new GameLoop({ seed, rules: this.config.rules, clock: this.clock });
    loop.onEvents((events) => this.emit(events));
    return loop;
  }

  private emit(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    void this.publisher.publish(events);
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        this.logger.error(`game listener failed: ${String(err)}`);
      }
    }
  }

  private gameEvent<T extends { type: string }>(event: T): EngineEvent {
    return { kind: 'game-event', event: { ...event, time: new Date(this.clock.now()).toISOString() } as never };
  }

  /** After a restart on a persistent bus, traders continue from their last published state. */
  private async restoreTraderStates(): Promise<void> {
    const messages = await this.bus.readTopic(TOPICS.traderStates.name);
    let restored = 0;
    for (const message of messages) {
      const key = decodeMessage.traderKey(message.key);
      const state = decodeMessage.traderState(message.value);
      if (!key.ok || !state.ok) continue;
      this.loopInstance.engine.restoreTraderState(key.value, state.value);
      restored++;
    }
    if (restored > 0) this.logger.log(`restored ${restored} trader state message(s) from ${TOPICS.traderStates.name}`);
  }
}
