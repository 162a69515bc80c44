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
  traderId,
  txnTypeOf,
  type ActionTxnType,
  type GameStatus,
  type Gibb,
  type LeaderboardView,
  type MarketView,
  type TraderAction,
  type TraderKey,
  type TraderState,
  type TxnRejection,
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

  /**
   * The teams of a closed room (GAME_TEAMS), or undefined when any team may
   * play.
   */
  get teams(): readonly string[] | undefined {
    return this.config.gameTeams;
  }

  /** Why a team may not play in this room, or undefined when it may. */
  teamRefusal(team: string): string | undefined {
    const teams = this.config.gameTeams;
    if (teams === undefined || teams.includes(team)) return undefined;
    return `team "${team}" does not play in this room; the teams are ${teams.join(', ')}`;
  }

  /**
   * An order read from an action topic. `keyBytes` are the order's key as it
   * was written: the trader's answers go out under them (see
   * EngineEventPublisher). A team not in the room is refused.
   */
  executeAction(trader: TraderKey, action: TraderAction, keyBytes?: Uint8Array | null): readonly EngineEvent[] {
    this.publisher.rememberKey(trader, keyBytes);
    const refusal = this.teamRefusal(trader.team);
    if (refusal !== undefined) return this.rejectAction(trader, txnTypeOf(action), action.order.txnId, refusal, { field: 'key.team' });
    return this.loop.submit(trader, action);
  }

  /** Answers an order the server cannot take (on txn-rejections), blaming `field` when given. */
  rejectAction(
    trader: TraderKey,
    type: ActionTxnType,
    txnId: string,
    reason: string,
    options: { keyBytes?: Uint8Array | null; field?: string } = {},
  ): readonly EngineEvent[] {
    this.publisher.rememberKey(trader, options.keyBytes);
    return this.publisher.rejecting(options.field, () => this.loop.reject(trader, type, txnId, reason));
  }

  /** Answers an order whose key names no trader: on txn-rejections, under the key bytes it came with. */
  rejectUnkeyed(rawKey: Uint8Array | null, rejection: TxnRejection): void {
    void this.publisher.publishRejection(rawKey, rejection);
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

  /**
   * After a restart on a persistent bus, traders continue from their last
   * published state. One trader's states may sit under several key spellings (a pretty and a
   * compact key are one trader), on several partitions and so in no overall
   * order: the newest state by its time wins (on a tie, the last read), and
   * its key bytes stay the ones the trader is answered under.
   */
  private async restoreTraderStates(): Promise<void> {
    const messages = await this.bus.readTopic(TOPICS.traderStates.name);
    const newest = new Map<string, { trader: TraderKey; state: TraderState; key: Buffer | null; time: number }>();
    let read = 0;
    for (const message of messages) {
      const key = decodeMessage.traderKey(message.key);
      const state = decodeMessage.traderState(message.value);
      if (!key.ok || !state.ok) continue;
      read++;
      const id = traderId(key.value);
      const time = Date.parse(state.value.time);
      const known = newest.get(id);
      if (known === undefined || time >= known.time) newest.set(id, { trader: key.value, state: state.value, key: message.key, time });
    }
    for (const { trader, state, key } of newest.values()) {
      this.loop.restoreTraderState(trader, state);
      this.publisher.rememberKey(trader, key);
    }
    if (read > 0) this.logger.log(`restored ${newest.size} trader(s) from ${read} message(s) of ${TOPICS.traderStates.name}`);
  }
}
