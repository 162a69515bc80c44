/**
 * A game on a clock: the engine wakes up when something is due (a tick, a
 * plantation's return, a burst step), and the game's lifecycle lives here —
 * start, pause, resume, end and reset, each with the game event it emits.
 * Hosts (the server, virtual games) use this narrow surface of commands and
 * queries and never reach into the engine. Works the same on the wall clock
 * and on a VirtualClock.
 *
 * A game split into tasks (like Kafka Streams' tasks, each holding some
 * traders) runs one loop in the 'market' role, which moves the market and
 * the lifecycle, and one loop per task in the 'task' role, which holds its
 * traders and pays their plantations but follows the market loop's record
 * (followGame) for everything else, announcing none of it.
 */
import {
  changelogKey,
  GAME_OVER,
  txnTypeOf,
  type ChangelogEntry,
  type GameEvent,
  type GameRecord,
  type GameStatus,
  type Gibb,
  type LeaderboardView,
  type MarketView,
  type TraderKey,
  type TraderState,
} from '@banana-market/protocol';
import type { Clock, TimerHandle } from './clock.js';
import type { ActionTxnType, EngineEvent, MarketSnapshot, TraderAction } from './events.js';
import { MarketEngine, type EngineRole, type EngineSave } from './market-engine.js';
import type { PlantationLoad } from './plantation-load.js';
import { DEFAULT_RULES, type GameRules } from './rules.js';
import { seedCommitment } from './seed-commitment.js';

export interface GameLoopOptions {
  /** Secret until the game ends: its events carry only the commitment (see seedCommitment) until GAME_ENDED reveals it. */
  readonly seed: string;
  readonly clock: Clock;
  readonly rules?: GameRules;
  /** A host that stores the game (see takeChanges) sets this; without it no change accumulates. */
  readonly trackChanges?: boolean;
  /** Where a failing listener's error goes (default: console.error); the loop keeps running. */
  readonly onListenerError?: (error: unknown) => void;
  /**
   * 'market' (default): this loop moves the market and the lifecycle. 'task':
   * it holds traders and their plantations and follows the market loop
   * (followGame); its lifecycle commands throw, gibbs are ignored.
   */
  readonly role?: EngineRole;
  /** Names this loop's own random streams (a task's `task-${p}`, for its own plantation luck); default: the game's. */
  readonly randomStream?: string;
  /** The plantation load of the rest of the game (the other tasks), added to this loop's own in every plantation rule. */
  readonly externalLoad?: () => PlantationLoad;
  /** GAME_DURATION: the game ends by itself this long after it starts (pauses do not count); default: no end. */
  readonly durationMs?: number;
  /** GAME_START=manual: start() opens the lobby, and the game starts with begin(). Default: start() starts it. */
  readonly lobby?: boolean;
}

export type EngineEventListener = (events: readonly EngineEvent[]) => void;

/** A stored game: its record, and the engine's entries (plantations, txn memory, accounts). */
export interface GameSave extends Omit<EngineSave, 'market'> {
  readonly game: GameRecord;
}

type LoopPhase = 'created' | 'lobby' | 'running' | 'paused' | 'ended' | 'stopped';

export const PAUSED_REASON = 'the game is paused';
export const LOBBY_REASON = 'the game has not started yet: the coach starts it';
export const ENDED_REASON = `${GAME_OVER}: the game has ended`;

/** A game event before the loop stamps its time. */
type UnstampedGameEvent = GameEvent extends infer E ? (E extends GameEvent ? Omit<E, 'time'> : never) : never;

export class GameLoop {
  private engine: MarketEngine;
  private currentSeed: string;
  private currentCommitment: string;
  /** Whether GAME_ENDED revealed the current seed (a reset's new game starts secret again). */
  private seedRevealed = false;
  private readonly rules: GameRules;
  private readonly clock: Clock;
  private readonly trackChanges: boolean;
  private readonly role: EngineRole;
  private readonly randomStream: string | undefined;
  private readonly externalLoad: (() => PlantationLoad) | undefined;
  private readonly listeners = new Set<EngineEventListener>();
  private readonly onListenerError: (error: unknown) => void;
  private phase: LoopPhase = 'created';
  private timer: TimerHandle | undefined;
  private pausedAt = 0;
  /** When the current game started or was reset (its trader states are newer). */
  private startedAt: number;
  /** The phase a restored game continues in when started. */
  private restoredPhase: GameRecord['phase'] | undefined;
  /** When the game ends by itself (while paused: as if it had not been paused); undefined: no end, or still in the lobby. */
  private endsAt: number | undefined;
  /** The game's length with its extensions; undefined: no end. */
  private length: number | undefined;
  private readonly lobby: boolean;
  /** When play began and when it ended (ms since the epoch), for the standings. */
  private beganAt: number | undefined;
  private endedAt: number | undefined;
  /** GAME_DURATION as configured: a reset's new game gets it again. */
  private readonly configuredDurationMs: number | undefined;
  private lifecycleChanged = true;
  /** Entries a reset deleted, to be written as tombstones with the next changes. */
  private deletedEntries: ChangelogEntry[] = [];

  constructor(options: GameLoopOptions) {
    this.clock = options.clock;
    this.rules = options.rules ?? DEFAULT_RULES;
    this.trackChanges = options.trackChanges ?? false;
    this.length = options.durationMs;
    this.configuredDurationMs = options.durationMs;
    this.lobby = options.lobby ?? false;
    this.role = options.role ?? 'market';
    this.randomStream = options.randomStream;
    this.externalLoad = options.externalLoad;
    this.currentSeed = options.seed;
    this.currentCommitment = seedCommitment(options.seed);
    this.startedAt = this.clock.now();
    this.engine = this.createEngine(options.seed, this.startedAt);
    this.onListenerError = options.onListenerError ?? ((error) => console.error('game loop listener failed:', error));
  }

  /** lobby, running, paused (also before start) or ended (also after stop, and once its time is up). */
  get status(): GameStatus {
    if (this.phase === 'running') return this.timeIsUp() ? 'ended' : 'running';
    if (this.phase === 'ended' || this.phase === 'stopped') return 'ended';
    return this.phase === 'lobby' ? 'lobby' : 'paused';
  }

  /** The game's length with its extensions (undefined: no end). */
  get durationMs(): number | undefined {
    return this.length;
  }

  /** When play began (undefined: in the lobby) and when the game ended (undefined: not ended), ms since the epoch. */
  playTimes(): { readonly beganAt?: number; readonly endedAt?: number } {
    return { beganAt: this.beganAt, endedAt: this.endedAt };
  }

  /**
   * When the game ends by itself, and the game time left: while paused or in the lobby, as if it went on
   * now; once ended, when it did. Undefined when it has no end.
   */
  timeLeft(): { readonly endsAt: number; readonly remainingMs: number } | undefined {
    const now = this.clock.now();
    if (this.length === undefined) return undefined;
    if (this.phase === 'lobby' || this.phase === 'created' || this.endsAt === undefined)
      return { endsAt: now + this.length, remainingMs: this.length };
    if (this.phase === 'paused') {
      const remainingMs = Math.max(0, this.endsAt - this.pausedAt);
      return { endsAt: now + remainingMs, remainingMs };
    }
    if (this.phase === 'running') return { endsAt: this.endsAt, remainingMs: Math.max(0, this.endsAt - now) };
    return { endsAt: this.endsAt, remainingMs: 0 };
  }

  onEvents(listener: EngineEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- queries ------------------------------------------------------------

  /**
   * The game's seed, for the host (the coach's console, the admin's answers).
   * It is secret until the game ends — whoever knows it can foresee the price
   * walk — so a host never shows it to players before then: it shows
   * `seedCommitment` instead, and GAME_ENDED reveals the seed.
   */
  get seed(): string {
    return this.currentSeed;
  }

  /** The SHA-256 (lowercase hex) of the current game's seed: public from the start. */
  get seedCommitment(): string {
    return this.currentCommitment;
  }

  /** The seed once GAME_ENDED has revealed it; undefined while the game may still be played (also after a stop without an end). */
  get revealedSeed(): string | undefined {
    return this.seedRevealed ? this.currentSeed : undefined;
  }

  get tickMs(): number {
    return this.rules.tickMs;
  }

  /** The market as the engine sees it (price, forecast, hype, tick, burst). */
  snapshot(): MarketSnapshot {
    return this.engine.snapshot();
  }

  /** The market as players see it: the snapshot's public part and the game status. */
  market(): MarketView {
    const { price, forecast, hype, time, tick } = this.engine.snapshot();
    const left = this.timeLeft();
    return {
      price,
      forecast,
      hype,
      time,
      tick,
      status: this.status,
      endsAt: left === undefined ? null : new Date(left.endsAt).toISOString(),
      remainingMs: left?.remainingMs ?? null,
    };
  }

  leaderboard(): LeaderboardView {
    return this.engine.leaderboard();
  }

  traderState(trader: TraderKey): TraderState | undefined {
    return this.engine.traderState(trader);
  }

  /** The trader's plantations in flight (invested, due time), if this loop holds it. */
  plantations(trader: TraderKey): { readonly invested: number; readonly dueAt: number }[] {
    return this.engine.plantations(trader);
  }

  traders(): TraderKey[] {
    return this.engine.traders().map((t) => t.trader);
  }

  currentPrice(): number {
    return this.engine.currentPrice();
  }

  /** This loop's own plantation load now (what the other tasks add as their external load). */
  ownLoad(): PlantationLoad {
    return this.engine.ownLoad(this.clock.now());
  }

  // ---- durable state ----------------------------------------------------------

  /**
   * Before start: this loop becomes the stored game (its seed, phase, market,
   * plantations, txn memory and accounts). Started, it continues where the
   * stored one stopped and announces nothing: a running game's next tick
   * comes at once if ticks fell due while it was down (the market carries on
   * from its last tick, it does not catch up on the downtime), plantations
   * that fell due meanwhile pay at once, a paused game stays paused and an
   * ended one ended.
   */
  restore(save: GameSave): void {
    if (this.phase !== 'created') throw new Error('a game can only be restored before it starts');
    const { game } = save;
    this.currentSeed = game.seed;
    this.currentCommitment = seedCommitment(game.seed);
    this.seedRevealed = game.seedRevealed;
    this.startedAt = game.startedAt;
    this.pausedAt = game.pausedAt;
    this.endsAt = game.endsAt ?? undefined;
    this.length = game.durationMs ?? undefined;
    this.beganAt = game.beganAt ?? undefined;
    this.endedAt = game.endedAt ?? undefined;
    this.restoredPhase = game.phase;
    this.engine = this.createEngine(game.seed, game.startedAt, { ...save, market: game.market });
    this.lifecycleChanged = false;
  }

  /** When the current game started (or was last reset), ms since the epoch. */
  get gameStartedAt(): number {
    return this.startedAt;
  }

  /**
   * The stored entries that changed since the last call: the game's record
   * (lifecycle and market) when either moved, plantations planted or paid,
   * txnIds remembered or forgotten, and what a reset deleted. The host
   * writes them beside the events of the same moment (on Kafka, in the same
   * transaction).
   */
  takeChanges(): ChangelogEntry[] {
    const changes = this.engine.takeChanges();
    const entries: ChangelogEntry[] = this.deletedEntries;
    this.deletedEntries = [];
    if (changes.market !== undefined || this.lifecycleChanged) {
      entries.push({ store: 'game', key: changelogKey.game(), value: this.gameRecord(changes.market ?? this.engine.marketRecord()) });
    }
    this.lifecycleChanged = false;
    for (const [seq, value] of changes.returns) entries.push({ store: 'return', key: changelogKey.return(seq), value });
    for (const [seq, value] of changes.recent) entries.push({ store: 'recent', key: changelogKey.recent(seq), value });
    for (const [key, value] of changes.txns) entries.push({ store: 'txn', key, value });
    return entries;
  }

  /** The whole stored game as it is now (what takeChanges has been adding up to). */
  save(): GameSave {
    const { market, ...rest } = this.engine.save();
    return { ...rest, game: this.gameRecord(market) };
  }

  private gameRecord(market: GameRecord['market']): GameRecord {
    const phase = this.status;
    return {
      seed: this.currentSeed,
      seedRevealed: this.seedRevealed,
      phase,
      pausedAt: this.pausedAt,
      endsAt: this.endsAt ?? null,
      durationMs: this.length ?? null,
      beganAt: this.beganAt ?? null,
      endedAt: this.endedAt ?? null,
      startedAt: this.startedAt,
      savedAt: this.clock.now(),
      market,
    };
  }

  // ---- lifecycle ------------------------------------------------------------

  /**
   * Starts the clock and announces the game with its seed's commitment, not
   * the seed (GAME_STARTED). A task announces nothing: it refuses actions as
   * paused until it follows the market loop's record (followGame).
   */
  start(): void {
    if (this.phase !== 'created') return;
    if (this.restoredPhase !== undefined) {
      this.continueRestored(this.restoredPhase);
      return;
    }
    if (this.role === 'task') {
      this.phase = 'paused';
      return;
    }
    if (this.lobby) {
      // Time stands still until begin(): the market starts from here as from a pause.
      this.phase = 'lobby';
      this.pausedAt = this.clock.now();
      this.lifecycleChanged = true;
      return;
    }
    this.beginRunning();
  }

  /**
   * GAME_START=manual: the coach starts the game out of the lobby (GAME_STARTED); false when it is not
   * in the lobby.
   */
  begin(): boolean {
    this.assertMarketRole('begin');
    if (this.phase !== 'lobby') return false;
    this.engine.postpone(this.clock.now() - this.pausedAt);
    this.beginRunning();
    return true;
  }

  private beginRunning(): void {
    this.phase = 'running';
    this.lifecycleChanged = true;
    this.beganAt = this.clock.now();
    if (this.length !== undefined) this.endsAt = this.clock.now() + this.length;
    this.emitGameEvent({ type: 'GAME_STARTED', seedCommitment: this.currentCommitment });
    this.schedule();
  }

  /**
   * The coach gives the game more time (its end moves later; in the lobby, its length grows). False when
   * it cannot: the game has no end, or has ended.
   */
  extend(ms: number): boolean {
    this.assertMarketRole('extend');
    if (this.length === undefined || this.status === 'ended' || this.phase === 'stopped') return false;
    this.length += ms;
    if (this.endsAt !== undefined) this.endsAt += ms;
    this.lifecycleChanged = true;
    // An event moves nothing in the market: the record (with the new end) is written with the next change.
    this.emitGameEvent({ type: 'GAME_EXTENDED', minutes: ms / 60_000, endsAt: new Date(this.timeLeft()?.endsAt ?? this.clock.now()).toISOString() });
    this.schedule();
    return true;
  }

  private continueRestored(phase: GameRecord['phase']): void {
    this.phase = phase;
    this.restoredPhase = undefined;
    if (phase !== 'running') return;
    const late = this.clock.now() - this.engine.marketRecord().nextTickAt;
    if (late > 0) {
      this.engine.postponeMarket(late); // a task's engine leaves its market to followGame
      // The server was down: like a pause, the downtime does not count against the game's length.
      if (this.endsAt !== undefined && this.role === 'market') this.endsAt += late;
    }
    this.catchUp();
    this.schedule();
  }

  /** Time stops for the game: no ticks, no returns, actions refused (GAME_PAUSED). */
  pause(): void {
    this.assertMarketRole('pause');
    if (this.phase !== 'running') return;
    this.halt('paused');
    this.pausedAt = this.clock.now();
    this.emitGameEvent({ type: 'GAME_PAUSED' });
  }

  resume(): void {
    this.assertMarketRole('resume');
    if (this.phase !== 'paused') return;
    this.run(this.pausedAt);
    this.emitGameEvent({ type: 'GAME_RESUMED' });
    this.schedule();
  }

  /**
   * The game is over for good: what was due until now happens, then nothing
   * more. GAME_ENDED reveals the seed, with the commitment it must match.
   */
  end(): void {
    this.assertMarketRole('end');
    if (this.phase === 'ended' || this.phase === 'stopped') return;
    this.halt('ended');
    // Ended early (or in the lobby): the end is now; ended on time, it stays the time it was due.
    const now = this.clock.now();
    if (this.length !== undefined && (this.endsAt === undefined || this.endsAt > now)) this.endsAt = now;
    this.endedAt = Math.min(now, this.endsAt ?? now);
    this.seedRevealed = true;
    this.emitGameEvent({ type: 'GAME_ENDED', seed: this.currentSeed, seedCommitment: this.currentCommitment });
  }

  /**
   * A fresh game with the same rules (and the same seed unless given): the
   * registered traders start over. Emits GAME_RESET (with the new game's seed
   * commitment; the seed stays secret) and each trader's new state.
   */
  reset(seed?: string): void {
    this.assertMarketRole('reset');
    if (this.phase === 'stopped') return;
    const states = this.newGame(seed ?? this.currentSeed, this.clock.now());
    this.seedRevealed = false;
    this.phase = 'running';
    this.length = this.configuredDurationMs;
    this.endsAt = this.length === undefined ? undefined : this.clock.now() + this.length;
    this.beganAt = this.clock.now();
    this.endedAt = undefined;
    this.emit([this.gameEvent({ type: 'GAME_RESET', seedCommitment: this.currentCommitment }), ...states]);
    this.schedule();
  }

  /**
   * A task takes the market loop's record (each in the order it was written,
   * some may be skipped): its market, so that orders execute at the market's
   * price, and its lifecycle — a pause, a resume, an end or another game —
   * without announcing any of it (the market loop does). Another game (seed
   * or start differ) starts over like a reset: the traders' new states are
   * emitted, the old game's plantations and memory are deleted. Before
   * start(), it starts the loop (restore, if any, comes first).
   */
  followGame(record: GameRecord): void {
    if (this.role !== 'task') throw new Error('only a task loop follows the game');
    this.start();
    if (this.phase === 'stopped') return;
    this.endsAt = record.endsAt ?? undefined;
    this.length = record.durationMs ?? undefined;
    this.beganAt = record.beganAt ?? undefined;
    this.endedAt = record.endedAt ?? undefined;
    if (record.seed !== this.currentSeed || record.startedAt !== this.startedAt) this.followNewGame(record);
    else this.followPhase(record);
    this.engine.followMarket(record.market);
  }

  private followNewGame(record: GameRecord): void {
    const states = this.newGame(record.seed, record.startedAt);
    this.seedRevealed = record.seedRevealed;
    this.pausedAt = record.pausedAt;
    this.phase = record.phase;
    this.emit(states);
    this.schedule();
  }

  private followPhase(record: GameRecord): void {
    // An ended game only starts over (followNewGame); the task's own pause before its first record is no game's pause.
    if (this.phase === 'ended' || record.phase === this.phase) return;
    if (record.phase === 'running') {
      this.run(record.pausedAt);
      this.schedule();
    } else {
      this.halt(record.phase);
      if (record.phase === 'ended') this.seedRevealed = record.seedRevealed;
      else this.pausedAt = record.pausedAt;
    }
  }

  /** Running → paused, lobby (a task following the market) or ended: what was due until now happens, then nothing more until a resume. */
  private halt(phase: 'paused' | 'ended' | 'lobby'): void {
    if (this.phase === 'running') this.catchUp();
    this.cancelTimer();
    this.phase = phase;
    this.lifecycleChanged = true;
  }

  /** Paused since `pausedAt` → running (the caller schedules). */
  private run(pausedAt: number): void {
    // Time stood still for the game: nothing that was due later catches up in a burst, and its end moves as late.
    this.engine.postpone(this.clock.now() - pausedAt);
    if (this.endsAt !== undefined && this.role === 'market' && this.phase === 'paused') this.endsAt += this.clock.now() - pausedAt;
    this.phase = 'running';
    this.lifecycleChanged = true;
  }

  /**
   * Replaces the game by a new one on `seed`, started at `startedAt`: the
   * known traders start over, the old game's stored entries are deleted with
   * the next changes. Returns the traders' new states, for the caller to emit.
   */
  private newGame(seed: string, startedAt: number): EngineEvent[] {
    const traders = this.traders();
    this.cancelTimer();
    this.currentSeed = seed;
    this.currentCommitment = seedCommitment(seed);
    const old = this.engine.storedKeys();
    this.deletedEntries.push(
      ...old.returns.map((seq): ChangelogEntry => ({ store: 'return', key: changelogKey.return(seq), value: null })),
      ...old.recent.map((seq): ChangelogEntry => ({ store: 'recent', key: changelogKey.recent(seq), value: null })),
      ...old.txns.map((key): ChangelogEntry => ({ store: 'txn', key, value: null })),
    );
    this.startedAt = startedAt;
    this.lifecycleChanged = true;
    this.engine = this.createEngine(seed, startedAt);
    return traders.map((trader) => ({ kind: 'trader-state', trader, state: this.engine.registerTrader(trader, this.clock.now()).state }));
  }

  private assertMarketRole(command: string): void {
    if (this.role === 'task') throw new Error(`a task loop follows the game (followGame); it cannot ${command} it`);
  }

  /** Stops the timer for good (the host shuts down), without events. */
  stop(): void {
    this.cancelTimer();
    this.phase = 'stopped';
  }

  /**
   * Executes a trader's action at the current time. Listeners see every event
   * (including ticks that fell due first); the caller gets the action's own.
   */
  submit(trader: TraderKey, action: TraderAction): readonly EngineEvent[] {
    const refusal = this.refusal();
    if (refusal !== undefined) return this.reject(trader, txnTypeOf(action), action.order.txnId, refusal);
    this.catchUp();
    const events = this.engine.executeAction(trader, action, this.clock.now());
    this.emit(events);
    this.schedule();
    return events;
  }

  /** Answers an action that could not be read with REJECTED and the reason. */
  reject(trader: TraderKey, type: ActionTxnType, txnId: string, reason: string): readonly EngineEvent[] {
    const events = this.engine.rejectAction(trader, type, txnId, reason, this.clock.now());
    this.emit(events);
    return events;
  }

  /** A gibb moves the hype while the game runs; a paused or ended game ignores it, and so does a task (the hype is the market loop's). */
  applyGibb(gibb: Gibb): readonly EngineEvent[] {
    if (this.phase !== 'running' || this.role === 'task') return [];
    this.catchUp();
    const events = this.engine.applyGibb(gibb, this.clock.now());
    this.emit(events);
    this.schedule();
    return events;
  }

  /** Opens a trader's account; with `announce`, a new account's state is emitted. */
  register(trader: TraderKey, options: { announce?: boolean } = {}): { created: boolean; state: TraderState } {
    const registered = this.engine.registerTrader(trader, this.clock.now());
    if (registered.created && options.announce) this.emit([{ kind: 'trader-state', trader, state: registered.state }]);
    return registered;
  }

  private createEngine(seed: string, startTime: number, saved?: EngineSave): MarketEngine {
    const { rules, trackChanges, role, randomStream, externalLoad } = this;
    return new MarketEngine({ seed, startTime, rules, trackChanges, role, randomStream, externalLoad }, saved);
  }

  private gameEvent(event: UnstampedGameEvent): EngineEvent {
    return { kind: 'game-event', event: { ...event, time: new Date(this.clock.now()).toISOString() } as GameEvent };
  }

  private emitGameEvent(event: UnstampedGameEvent): void {
    this.emit([this.gameEvent(event)]);
  }

  private refusal(): string | undefined {
    if (this.phase === 'running') return this.timeIsUp() ? ENDED_REASON : undefined;
    if (this.phase === 'lobby') return LOBBY_REASON;
    return this.phase === 'paused' || this.phase === 'created' ? PAUSED_REASON : ENDED_REASON;
  }

  /** Whether the game's time is up (a task knows it before the market's end reaches it). */
  private timeIsUp(): boolean {
    return this.endsAt !== undefined && this.clock.now() >= this.endsAt;
  }

  private catchUp(): void {
    this.emit(this.engine.advanceTo(this.clock.now()));
  }

  private schedule(): void {
    this.cancelTimer();
    if (this.phase !== 'running') return;
    // The market loop ends the game on time; a task only refuses orders from then on (timeIsUp).
    const endsAt = this.role === 'market' ? (this.endsAt ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    const due = Math.min(this.engine.nextDueTime(), endsAt);
    if (due === Number.POSITIVE_INFINITY) return; // a task with no plantation in flight: its next order schedules
    const delay = Math.max(0, due - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.phase !== 'running') return;
      if (this.clock.now() >= endsAt) {
        this.end();
        return;
      }
      this.catchUp();
      this.schedule();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
