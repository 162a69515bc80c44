/**
 * Hosts the game: one GameLoop (engine, clock and lifecycle) whose events go
 * to the bus. The rules and what pause, end and reset mean live in
 * @banana-market/engine; this class wires the loop to time and to topics,
 * restores traders after a restart, and gives the gateways a narrow surface
 * of queries and commands.
 */
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ALL_TOPICS,
  decodeMessage,
  TOPICS,
  type ActionTxnType,
  type GameStatus,
  type Gibb,
  type LeaderboardView,
  type MarketView,
  type TraderAction,
  type TraderKey,
  type TraderState,
} from '@banana-market/protocol';
import { GameLoop, type Clock, type EngineEvent, type MarketSnapshot } from '@banana-market/engine';
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
  private readonly loop: GameLoop;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) clock: Clock,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {
    this.publisher = new EngineEventPublisher(bus);
    this.loop = new GameLoop({ seed: config.seed, rules: config.rules, clock });
    this.loop.onEvents((events) => this.emit(events));
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(ALL_TOPICS);
    await this.restoreTraderStates();
    this.loop.start();
    // The seed is secret until the game ends: the log shows its commitment, and the seed once end() reveals it.
    this.logger.log(
      `game started, seed commitment ${this.loop.seedCommitment} (the seed is revealed when the game ends), tick ${this.config.rules.tickMs} ms`,
    );
  }

  onApplicationShutdown(): void {
    this.loop.stop();
  }

  // ---- queries ------------------------------------------------------------

  /** Secret until the game ends: for the coach (admin answers) only, never in what players read before the end. */
  get seed(): string {
    return this.loop.seed;
  }

  /** The SHA-256 of the seed: what players may see while the game runs. */
  get seedCommitment(): string {
    return this.loop.seedCommitment;
  }

  /** The seed once the game has ended (GAME_ENDED revealed it), else undefined. */
  get revealedSeed(): string | undefined {
    return this.loop.revealedSeed;
  }

  get status(): GameStatus {
    return this.loop.status;
  }

  get tickMs(): number {
    return this.loop.tickMs;
  }

  market(): MarketView {
    return this.loop.market();
  }

  snapshot(): MarketSnapshot {
    return this.loop.snapshot();
  }

  leaderboard(): LeaderboardView {
    return this.loop.leaderboard();
  }

  traderState(trader: TraderKey): TraderState | undefined {
    return this.loop.traderState(trader);
  }

  /** Listens to every event the game produces (after it is handed to the bus). */
  onEvents(listener: GameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- commands -------------------------------------------------------------

  executeAction(trader: TraderKey, action: TraderAction): readonly EngineEvent[] {
    return this.loop.submit(trader, action);
  }

  rejectAction(trader: TraderKey, type: ActionTxnType, txnId: string, reason: string): readonly EngineEvent[] {
    return this.loop.reject(trader, type, txnId, reason);
  }

  applyGibb(gibb: Gibb): readonly EngineEvent[] {
    return this.loop.applyGibb(gibb);
  }

  registerTrader(trader: TraderKey): void {
    this.loop.register(trader, { announce: true });
  }

  pause(): void {
    this.loop.pause();
  }

  resume(): void {
    this.loop.resume();
  }

  end(): void {
    const wasOver = this.loop.status === 'ended';
    this.loop.end();
    if (!wasOver) this.logger.log(`game ended; its seed, revealed: "${this.loop.seed}" (commitment ${this.loop.seedCommitment})`);
  }

  /** A fresh game with the same rules (and a fresh random seed unless given): registered traders start over. */
  reset(seed?: string): void {
    // Without a seed the new game gets a fresh one: the old one may have been revealed at its end.
    this.loop.reset(seed ?? randomBytes(16).toString('hex'));
    this.logger.log(`game reset, seed commitment ${this.loop.seedCommitment}`);
  }

  /** Resolves once every event so far has been handed to the bus. */
  flushed(): Promise<void> {
    return this.publisher.flushed();
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

  /** After a restart on a persistent bus, traders continue from their last published state. */
  private async restoreTraderStates(): Promise<void> {
    const messages = await this.bus.readTopic(TOPICS.traderStates.name);
    let restored = 0;
    for (const message of messages) {
      const key = decodeMessage.traderKey(message.key);
      const state = decodeMessage.traderState(message.value);
      if (!key.ok || !state.ok) continue;
      this.loop.restoreTraderState(key.value, state.value);
      restored++;
    }
    if (restored > 0) this.logger.log(`restored ${restored} trader state message(s) from ${TOPICS.traderStates.name}`);
  }
}
