/**
 * Hosts the game: one GameLoop (engine, clock and lifecycle) whose events go
 * to the bus, and whose state goes to the changelogs beside them. The rules
 * and what pause, end and reset mean live in @banana-market/engine; this
 * class wires the loop to time and to topics, restores the stored game
 * before anything is consumed (after a restart, and after the broker came
 * back), and gives the gateways a narrow surface of queries and commands.
 */
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ALL_TOPICS,
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
import { accountEntry, GameStateStore } from '../state/game-state-store.js';
import { STATE_CIPHER, type StateCipher } from '../state/state-cipher.js';
import { EngineEventPublisher } from './engine-event-publisher.js';
import { GAME_CLOCK } from './tokens.js';

export type GameListener = (events: readonly EngineEvent[]) => void;

@Injectable()
export class GameService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Game');
  private readonly publisher: EngineEventPublisher;
  private readonly listeners = new Set<GameListener>();
  private readonly store: GameStateStore;
  private loop: GameLoop;
  /** The status shown while the loop is frozen (the bus lost its broker), else undefined. */
  private frozenStatus: GameStatus | undefined;
  /** How many traders the stored game had; undefined for a new game. */
  private restoredTraders: number | undefined;
  private readonly stopWatchingBus: Array<() => void> = [];
  /** A restored game waits for the consumers to run again before its clock starts (see reload). */
  private startWhenHealthy = false;
  private readonly restoredSignal = signal();
  /** Resolves when the loop runs (again): started at bootstrap, or after a reload once the bus is healthy. */
  private startedSignal = signal();
  private running = false;
  /** Resolves once the stored game is restored: the intakes subscribe only then. */
  readonly restored = this.restoredSignal.promise;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STATE_CIPHER) cipher: StateCipher,
  ) {
    this.publisher = new EngineEventPublisher(bus);
    this.store = new GameStateStore(bus, cipher);
    this.loop = this.createLoop();
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(ALL_TOPICS);
    await this.loadGame({ fresh: this.config.freshStart });
    this.restoredSignal.resolve();
    const stopFreezing = this.bus.onHealthChange?.((health) => {
      if (health.status === 'degraded') this.freeze();
      else if (this.startWhenHealthy) this.startLoop();
    });
    const stopReloading = this.bus.onRecovery?.(() => this.reload());
    if (stopFreezing) this.stopWatchingBus.push(stopFreezing);
    if (stopReloading) this.stopWatchingBus.push(stopReloading);
  }

  /** Every intake has subscribed (at module init): the game's clock starts. */
  onApplicationBootstrap(): void {
    this.startLoop();
  }

  onApplicationShutdown(): void {
    for (const stop of this.stopWatchingBus) stop();
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
    return this.frozenStatus ?? this.loop.status;
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

  private emit(loop: GameLoop, events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    void this.publisher.publish(events);
    // In the same breath as the events: on Kafka both join one transaction, on the embedded bus one batch.
    const accounts = events.flatMap((e) => (e.kind === 'trader-state' ? [accountEntry(e.trader, e.state, this.publisher.keyFor(e.trader))] : []));
    this.store
      .write([...loop.takeChanges(), ...accounts])
      .catch((err: unknown) => this.logger.error(`could not store the game's state: ${String(err)}`));
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        this.logger.error(`game listener failed: ${String(err)}`);
      }
    }
  }

  private createLoop(): GameLoop {
    const loop = new GameLoop({ seed: this.config.seed, rules: this.config.rules, clock: this.clock, trackChanges: true });
    loop.onEvents((events) => this.emit(loop, events));
    return loop;
  }

  /**
   * Restores the stored game into the (not yet started) loop; a first start,
   * or a fresh one, leaves it a new game. The loop starts later (startLoop):
   * nothing is consumed, and no time passes for the game, before the
   * consumers are back.
   */
  private async loadGame({ fresh }: { fresh: boolean }): Promise<void> {
    const loaded = await this.store.load();
    if (fresh && loaded.keys.length > 0) {
      await this.store.discard(loaded.keys);
      this.logger.log(`--fresh: the saved game (${loaded.keys.length} entries) is deleted; a new game starts`);
    }
    const save = fresh ? undefined : loaded.save;
    this.restoredTraders = save?.accounts.length;
    if (save === undefined) return;
    for (const { trader, key } of loaded.keyBytes) this.publisher.rememberKey(trader, key);
    this.loop.restore(save);
    if (!this.config.seedGenerated && save.game.seed !== this.config.seed) {
      this.logger.warn('GAME_SEED differs from the saved game’s seed: the saved game goes on (start with --fresh for a new game)');
    }
  }

  /** Whether the game's clock runs: an intake applies nothing before (see whenStarted). */
  get started(): boolean {
    return this.running;
  }

  /** Resolves once the game's clock runs (a message arriving earlier waits for it). */
  whenStarted(): Promise<void> {
    return this.startedSignal.promise;
  }

  private startLoop(): void {
    this.startWhenHealthy = false;
    this.frozenStatus = undefined;
    // The tick it was saved at: a restored game's next tick may come at once (it was due while the server was down).
    const savedTick = this.loop.market().tick;
    this.loop.start();
    this.running = true;
    this.startedSignal.resolve();
    if (this.restoredTraders === undefined) {
      // The seed is secret until the game ends: the log shows its commitment, and the seed once end() reveals it.
      this.logger.log(
        `game started, seed commitment ${this.loop.seedCommitment} (the seed is revealed when the game ends), tick ${this.config.rules.tickMs} ms`,
      );
    } else {
      // The seed stays secret on the console too: its commitment names the game.
      this.logger.log(
        `resuming game ${this.loop.seedCommitment.slice(0, 16)} at tick ${savedTick} (${this.restoredTraders} traders), ${this.loop.status}`,
      );
    }
  }

  /** The broker is gone: time stops for the game until the bus has it back (see reload). */
  private freeze(): void {
    if (this.frozenStatus !== undefined) return;
    this.frozenStatus = this.loop.status;
    this.loop.stop();
    this.logger.warn('the game is frozen until the broker is back');
  }

  /**
   * The bus is back: what this process held may be ahead of what was
   * committed, so the game is rebuilt from the changelogs, as after a
   * restart, before any consumer resumes.
   */
  private async reload(): Promise<void> {
    this.loop.stop();
    this.running = false;
    this.startedSignal = signal();
    this.loop = this.createLoop();
    await this.loadGame({ fresh: false });
    // The bus resumes its consumers after this hook, then reports ok: the clock starts then.
    this.startWhenHealthy = true;
  }
}

/** A promise and its resolve (Promise.withResolvers is Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
