/**
 * Hosts this server's part of the game, Kafka Streams' way: the tasks the
 * action group assigned it (GameTask: partition p of the action topics and
 * its traders' state), and the market when it leads it (MarketLeader: the
 * owner of the market group's one partition). Every task follows the
 * market's game record — straight from the leader on its server, read from
 * game-changelog elsewhere (MarketFeed). The rules and what pause, end and
 * reset mean live in @banana-market/engine; this class routes orders to
 * their task, commands to the leader (game-commands when it is elsewhere),
 * and answers the gateways' queries from the local tasks and the topics all
 * servers read (trader-states, the game record).
 */
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ALL_TOPICS,
  encode,
  rateLimitedReason,
  SINGLE_STREAM_KEY,
  TOPICS,
  traderId,
  txnTypeOf,
  type ActionTxnType,
  type GameCommand,
  type GameRecord,
  type GameStatus,
  type Gibb,
  type LeaderboardView,
  type MarketView,
  type StandingsView,
  type TraderAction,
  type TraderKey,
  type TraderState,
  type TxnRejection,
} from '@banana-market/protocol';
import { ActionRateLimiter, GameLoop, leaderboardOf, type Clock, type EngineEvent, type MarketSnapshot } from '@banana-market/engine';
import { MESSAGE_BUS, type MessageBus, type OutgoingMessage, type TaskContext } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { CommittedStates } from '../read-models/committed-states.js';
import { TraderStatesView } from '../read-models/trader-states.view.js';
import { GameStateStore } from '../state/game-state-store.js';
import { STATE_CIPHER, type StateCipher } from '../state/state-cipher.js';
import type { GameHost } from './game-host.js';
import { compactTraderKey } from './compact-trader-key.js';
import { GameTask } from './game-task.js';
import { MarketFeed } from './market-feed.js';
import { MarketLeader } from './market-leader.js';
import { PlantationLoads } from './plantation-loads.js';
import { GAME_CLOCK } from './tokens.js';
import { GameMetrics } from '../metrics/game-metrics.js';
import { TraderRegistry, TraderRemovedError } from './trader-registry.service.js';

export type GameListener = (events: readonly EngineEvent[]) => void;

@Injectable()
export class GameService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Game');
  private readonly listeners = new Set<GameListener>();
  private readonly committedListeners = new Set<GameListener>();
  /**
   * States this server's tasks committed that the view has not read back yet (a trader's state while its task is
   * away). Kafka only: the embedded bus's tasks never leave a running server, so its traders' states always come
   * from their task, and this would be a Map write per order for nothing.
   */
  private readonly committedStates: CommittedStates | undefined;
  private readonly loads = new PlantationLoads();
  private readonly tasks = new Map<number, GameTask>();
  private leader: MarketLeader | undefined;
  /** Whether the market this server leads was restored from game-changelog (else a new game). */
  private leaderRestored = false;
  /** How many traders each of this server's tasks restored (the resume line counts them). */
  private readonly restoredTraders = new Map<number, number>();
  /**
   * Revocations per task, and of the lead: an assignment revoked while its state was
   * read (the bus may revoke before onAssigned returns) must not start.
   */
  private readonly taskEpochs = new Map<number, number>();
  private leadEpoch = 0;
  /** A trader-less loop that follows every game record: the market as this server shows it when it does not lead. */
  private readonly view: GameLoop;
  private latestRecord: GameRecord | undefined;
  private readonly feed: MarketFeed;
  /**
   * The rate limit as the tasks apply it, to every order they read (a gateway has a limiter of its own:
   * one shared here would count its orders twice). Not stored: after a restart every trader starts full.
   */
  private readonly rateLimiter: ActionRateLimiter;
  private readonly restoredSignal = signal();
  private readonly startedSignal = signal();
  private running = false;
  /** Resolves once the server may join its groups (topics checked, a --fresh start's old game deleted, the market read). */
  readonly restored = this.restoredSignal.promise;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STATE_CIPHER) private readonly cipher: StateCipher,
    private readonly states: TraderStatesView,
    private readonly registry: TraderRegistry,
    private readonly metrics: GameMetrics,
  ) {
    this.rateLimiter = new ActionRateLimiter(config.actionRateLimit);
    this.committedStates = bus.kind === 'kafka' ? new CommittedStates(states) : undefined;
    this.view = new GameLoop({ seed: config.seed, rules: config.rules, clock, role: 'task', externalLoad: () => this.loads.total() });
    this.view.start();
    this.feed = new MarketFeed(bus, cipher, this.loads, (record) => {
      // This server's own market is fresher than what it reads back.
      if (this.leader === undefined) this.follow(record);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(ALL_TOPICS);
    if (this.config.freshStart) await this.discardSavedGame();
    await this.feed.start();
    await this.states.ready;
    this.restoredSignal.resolve();
  }

  /** Every group is joined and its tasks restored (at module init): the clocks start. */
  onApplicationBootstrap(): void {
    this.running = true;
    this.startedSignal.resolve();
    for (const task of this.tasks.values()) this.startTask(task);
    if (this.leader !== undefined) this.startLeading(this.leader);
  }

  async onApplicationShutdown(): Promise<void> {
    this.leader?.stop();
    for (const task of this.tasks.values()) task.stop();
    this.view.stop();
    this.committedStates?.stop();
    await this.feed.stop();
  }

  // ---- tasks and leadership (from the intakes) --------------------------------

  /** The task whose partition a trader's compact key lands on: where its state lives. */
  homeTask(trader: TraderKey): number {
    return compactTraderKey(trader).home;
  }

  /** Restores the tasks this server was assigned (their producers already fenced any previous owner). */
  async assignTasks(contexts: readonly TaskContext[]): Promise<void> {
    const partitions = contexts.map((c) => c.partition);
    const epochs = partitions.map((p) => this.taskEpochs.get(p) ?? 0);
    const stored = await this.bus.readTopic(TOPICS.taskChangelog.name, { partitions });
    let traders = 0;
    for (const [i, context] of contexts.entries()) {
      // Revoked while its state was read (the broker went away meanwhile): not this server's to run.
      if ((this.taskEpochs.get(context.partition) ?? 0) !== epochs[i]) continue;
      const task = new GameTask(context, { ...this.host(), seed: this.latestRecord?.seed ?? this.config.seed });
      const store = new GameStateStore(this.bus, this.cipher, { topic: TOPICS.taskChangelog.name, partition: context.partition });
      const restoredTraders = task.restore(store.loadFrom(stored.filter((m) => m.partition === context.partition)));
      traders += restoredTraders;
      this.restoredTraders.set(context.partition, restoredTraders);
      this.tasks.get(context.partition)?.stop();
      this.tasks.set(context.partition, task);
      if (this.running) this.startTask(task);
    }
    this.logger.log(`tasks ${partitions.join(', ')} assigned (${traders} trader(s) restored); this server owns ${this.ownedTasks().join(', ')}`);
  }

  revokeTasks(partitions: readonly number[]): void {
    for (const partition of partitions) {
      this.taskEpochs.set(partition, (this.taskEpochs.get(partition) ?? 0) + 1);
      this.tasks.get(partition)?.stop();
      this.tasks.delete(partition);
      this.restoredTraders.delete(partition);
    }
    this.logger.log(`tasks ${partitions.join(', ')} revoked; this server owns ${this.ownedTasks().join(', ') || 'none'}`);
  }

  /** The tasks this server owns, in order. */
  ownedTasks(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  /** This server leads the market from now on (its producer fenced the previous leader's). */
  async lead(context: TaskContext): Promise<void> {
    const leader = new MarketLeader(context, {
      ...this.host(),
      onRecord: (record) => this.follow(record),
      // Only the market ticks: the tasks' events (every order's) are not searched for prices.
      onEvents: (events) => {
        this.observeTicks(events);
        this.notify(events, this.listeners);
      },
    });
    const epoch = this.leadEpoch;
    const loaded = await new GameStateStore(this.bus, this.cipher).load();
    if (this.leadEpoch !== epoch) return; // the lead was taken away while the market was read
    if (this.config.freshStart && loaded.save !== undefined) this.logger.warn('--fresh, yet the market has a game again: another server wrote it');
    const restored = leader.restore(loaded);
    if (restored && !this.config.seedGenerated && loaded.save?.game.seed !== this.config.seed) {
      this.logger.warn('GAME_SEED differs from the saved game’s seed: the saved game goes on (start with --fresh for a new game)');
    }
    this.leader?.stop();
    this.leader = leader;
    this.leaderRestored = restored;
    if (this.running) this.startLeading(leader);
  }

  /** The market's clock starts (at bootstrap, or at once when the lead moves here later), and the console says which game. */
  private startLeading(leader: MarketLeader): void {
    const savedTick = leader.loop.market().tick;
    leader.start();
    if (!this.leaderRestored) {
      // The seed is secret until the game ends: the log shows its commitment, and the seed once end() reveals it.
      this.logger.log(
        `game started, seed commitment ${leader.loop.seedCommitment} (the seed is revealed when the game ends), tick ${this.config.rules.tickMs} ms`,
      );
      return;
    }
    const traders = [...this.restoredTraders.values()].reduce((sum, n) => sum + n, 0);
    // The seed stays secret on the console too: its commitment names the game.
    this.logger.log(`resuming game ${leader.loop.seedCommitment.slice(0, 16)} at tick ${savedTick} (${traders} traders), ${leader.loop.status}`);
  }

  stopLeading(): void {
    this.leadEpoch += 1;
    if (this.leader === undefined) return;
    this.leader.stop();
    this.leader = undefined;
    this.logger.log('no longer leading the market');
  }

  /** Whether this server leads the market. */
  get leading(): boolean {
    return this.leader !== undefined;
  }

  // ---- queries ------------------------------------------------------------

  private get marketLoop(): GameLoop {
    return this.leader?.loop ?? this.view;
  }

  /** Secret until the game ends: for the coach (admin answers) only, never in what players read before the end. */
  get seed(): string {
    return this.marketLoop.seed;
  }

  /** The SHA-256 of the seed: what players may see while the game runs. */
  get seedCommitment(): string {
    return this.marketLoop.seedCommitment;
  }

  /** The seed once the game has ended (GAME_ENDED revealed it), else undefined. */
  get revealedSeed(): string | undefined {
    return this.marketLoop.revealedSeed;
  }

  get status(): GameStatus {
    return this.marketLoop.status;
  }

  get tickMs(): number {
    return this.config.rules.tickMs;
  }

  market(): MarketView {
    return this.marketLoop.market();
  }

  snapshot(): MarketSnapshot {
    return this.marketLoop.snapshot();
  }

  /**
   * Every trader's latest state on trader-states, this server's own traders as they are this instant;
   * without the house bots when HOUSE_IN_STANDINGS=false.
   */
  leaderboard(includeHouse = this.config.houseInStandings): LeaderboardView {
    const standings = new Map(this.states.all().map((s) => [`${s.trader.team}/${s.trader.name}`, s]));
    for (const task of this.tasks.values()) {
      for (const trader of task.loop.traders()) {
        const state = task.loop.traderState(trader);
        if (state !== undefined) standings.set(`${trader.team}/${trader.name}`, { trader, state });
      }
    }
    const entries = [...standings.values()];
    return leaderboardOf(includeHouse ? entries : entries.filter(({ trader }) => trader.team !== this.config.houseTeam), this.config.rules);
  }

  /** The standings with the game's times and seed (once revealed), the house bots flagged (see StandingsView). */
  standings(): StandingsView {
    const board = this.leaderboard(true);
    const { houseInStandings, houseTeam } = this.config;
    const ranked = <T extends { team: string }>(rows: readonly T[]) => {
      let rank = 0;
      return rows.map((row) => {
        const house = row.team === houseTeam;
        return { ...row, rank: house && !houseInStandings ? null : ++rank, house };
      });
    };
    const loop = this.marketLoop;
    const { beganAt, endedAt } = loop.playTimes();
    const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const status = loop.status;
    return {
      status,
      seedCommitment: loop.seedCommitment,
      seed: loop.revealedSeed ?? null,
      startedAt: at(beganAt ?? (status === 'lobby' ? undefined : loop.gameStartedAt)),
      endedAt: at(endedAt),
      durationMs: loop.timeLeft() === undefined ? null : (loop.durationMs ?? null),
      teams: ranked(board.teams),
      traders: ranked(board.traders),
    };
  }

  /** The trader's plantations in flight, when its home task is on this server (else undefined: another server knows). */
  plantations(trader: TraderKey): { readonly invested: number; readonly dueAt: number }[] | undefined {
    return this.tasks.get(this.homeTask(trader))?.loop.plantations(trader);
  }

  traderState(trader: TraderKey): TraderState | undefined {
    return this.tasks.get(this.homeTask(trader))?.loop.traderState(trader) ?? (this.committedStates ?? this.states).state(trader);
  }

  /** Listens to every event this server's tasks and market produce (after it is handed to the bus). */
  onEvents(listener: GameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to the events of this server's tasks once they are committed: answers that may be given out. */
  onCommitted(listener: GameListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  // ---- commands -------------------------------------------------------------

  /** The teams of a closed room (GAME_TEAMS), or undefined when any team may play. */
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
   * An order read from partition `task` of an action topic (its trader's home).
   * `keyBytes` are the order's key as it was written: the trader's answers go
   * out under them; `writtenAt` is when it was written (its record's
   * timestamp). An order over the trader's rate limit is refused — counted at
   * the time it carries, else when it was written (see ActionRateLimiter) —
   * so is a team not in the room.
   */
  executeAction(task: number, trader: TraderKey, action: TraderAction, keyBytes: Uint8Array | null, writtenAt = Number.NaN): readonly EngineEvent[] {
    const owner = this.tasks.get(task);
    if (owner === undefined) return [];
    const { txnId, time } = action.order;
    // Off (ACTION_RATE=0): no trader id built nor time parsed for every order.
    const retryAfterMs = this.rateLimiter.enabled
      ? this.rateLimiter.take(traderId(trader), this.clock.now(), time === undefined ? writtenAt : Date.parse(time))
      : 0;
    if (retryAfterMs > 0) {
      const reason = rateLimitedReason(this.config.actionRateLimit, retryAfterMs);
      return owner.reject(trader, txnTypeOf(action), txnId, reason, keyBytes, { retryAfterMs });
    }
    const refusal = this.teamRefusal(trader.team);
    if (refusal !== undefined) return owner.reject(trader, txnTypeOf(action), txnId, refusal, keyBytes, { field: 'key.team' });
    if (this.registry.isRemoved(trader))
      return owner.reject(trader, txnTypeOf(action), txnId, new TraderRemovedError(trader).message, keyBytes, { field: 'key' });
    return owner.execute(trader, action, keyBytes);
  }

  /** Answers an order the server cannot take (on txn-rejections), blaming `field` when given. */
  rejectAction(
    task: number,
    trader: TraderKey,
    type: ActionTxnType,
    txnId: string,
    reason: string,
    options: { keyBytes?: Uint8Array | null; field?: string } = {},
  ): readonly EngineEvent[] {
    return this.tasks.get(task)?.reject(trader, type, txnId, reason, options.keyBytes ?? null, { field: options.field }) ?? [];
  }

  /** Answers an order whose key names no trader: on txn-rejections, under the key bytes it came with. */
  rejectUnkeyed(task: number, rawKey: Uint8Array | null, rejection: TxnRejection): void {
    this.tasks.get(task)?.rejectUnkeyed(rawKey, rejection);
  }

  /** Hands an order to its home task, through the task that read it (one transaction). */
  forward(task: number, topic: string, message: OutgoingMessage): void {
    this.tasks.get(task)?.forward(topic, message);
  }

  /** Only the market leader reads gibbs. */
  applyGibb(gibb: Gibb): void {
    this.leader?.applyGibb(gibb);
  }

  /**
   * A registered trader appears on the leaderboard at once: its home task
   * opens its account, or — when another server owns that task — the server
   * publishes the start state the account will open with (unless the trader
   * already has a state).
   */
  registerTrader(trader: TraderKey): void {
    const task = this.tasks.get(this.homeTask(trader));
    if (task !== undefined) {
      task.register(trader);
      return;
    }
    if (this.states.state(trader) !== undefined) return;
    const rules = this.config.rules;
    const state: TraderState = {
      time: new Date(this.clock.now()).toISOString(),
      coins: rules.startCoins,
      shares: rules.startShares,
      bailouts: 0,
      fedMonkeys: 0,
      inFlightInvestments: 0,
    };
    void this.bus
      .publish(TOPICS.traderStates.name, [{ key: encode.traderKey(trader), value: encode.traderState(state) }])
      .catch((err: unknown) => this.logger.warn(`could not announce trader ${trader.team}/${trader.name}: ${String(err)}`));
  }

  pause(): void {
    this.command({ command: 'pause' });
  }

  resume(): void {
    this.command({ command: 'resume' });
  }

  /** GAME_START=manual: the game starts out of the lobby. */
  start(): void {
    this.command({ command: 'start' });
  }

  /** The game's end moves `minutes` later. */
  extend(minutes: number): void {
    this.command({ command: 'extend', ms: Math.round(minutes * 60_000) });
  }

  end(): void {
    this.command({ command: 'end' });
  }

  /** A fresh game with the same rules (and a fresh random seed unless given): registered traders start over. */
  reset(seed?: string): void {
    // Without a seed the new game gets a fresh one: the old one may have been revealed at its end.
    this.command({ command: 'reset', seed: seed ?? randomBytes(16).toString('hex') });
  }

  /** A coach's command, on the leader (read from game-commands, or given to this server while it leads). */
  applyCommand(command: GameCommand): void {
    const loop = this.leader?.loop;
    if (loop === undefined) return;
    switch (command.command) {
      case 'pause':
        return loop.pause();
      case 'resume':
        return loop.resume();
      case 'end': {
        const wasOver = loop.status === 'ended';
        loop.end();
        if (!wasOver) this.logger.log(`game ended; its seed, revealed: "${loop.seed}" (commitment ${loop.seedCommitment})`);
        return;
      }
      case 'start':
        if (loop.begin()) this.logger.log('the coach started the game');
        return;
      case 'extend':
        if (loop.extend(command.ms)) this.logger.log(`the game was extended by ${command.ms / 60_000} min`);
        return;
      case 'reset':
        loop.reset(command.seed);
        this.logger.log(`game reset, seed commitment ${loop.seedCommitment}`);
        return;
    }
  }

  /** Resolves once every event so far has been handed to the bus. */
  async flushed(): Promise<void> {
    await Promise.all([this.leader?.flushed(), ...[...this.tasks.values()].map((t) => t.flushed())]);
  }

  /** Whether the game's clock runs: an intake applies nothing before (see whenStarted). */
  get started(): boolean {
    return this.running;
  }

  /** Resolves once the game's clock runs (a message arriving earlier waits for it). */
  whenStarted(): Promise<void> {
    return this.startedSignal.promise;
  }

  // ---- internals ------------------------------------------------------------

  /** What a task or the market hosted here gets from this server. */
  private host(): GameHost {
    const { bus, cipher, clock, loads } = this;
    return {
      bus,
      cipher,
      clock,
      loads,
      rules: this.config.rules,
      seed: this.config.seed,
      durationMs: this.config.gameDurationMs,
      lobby: this.config.gameStart === 'manual',
      onEvents: (events) => this.notify(events, this.listeners),
      onCommitted: (events) => {
        this.committedStates?.committed(events);
        this.notify(events, this.committedListeners);
      },
    };
  }

  /** The leader applies a command at once; another server sends it, sealed (a reset may name a seed), to the leader. */
  private command(command: GameCommand): void {
    if (this.leader !== undefined) {
      this.applyCommand(command);
      return;
    }
    const value = this.cipher.seal(JSON.stringify(command));
    void this.bus
      .publish(TOPICS.gameCommands.name, [{ key: encode.singleStreamKey(SINGLE_STREAM_KEY), value }])
      .catch((err: unknown) => this.logger.error(`could not send "${command.command}" to the market leader: ${String(err)}`));
  }

  private startTask(task: GameTask): void {
    task.start();
    if (this.latestRecord !== undefined) task.followGame(this.latestRecord);
  }

  /** The market moved (or the game's lifecycle did): every task of this server follows. */
  private follow(record: GameRecord): void {
    const latest = this.latestRecord;
    // A record read back late (the feed, after this server led) must not take the market, or the game, backwards.
    if (latest !== undefined && (record.startedAt < latest.startedAt || (record.startedAt === latest.startedAt && record.savedAt < latest.savedAt)))
      return;
    this.latestRecord = record;
    this.view.followGame(record);
    if (!this.running) return;
    for (const task of this.tasks.values()) task.followGame(record);
  }

  /** How late each of the market's ticks is handed to the bus (the game clock: a tick's time is when it fell due). */
  private observeTicks(events: readonly EngineEvent[]): void {
    for (const event of events) if (event.kind === 'price') this.metrics.tickHandedOver((this.clock.now() - Date.parse(event.price.time)) / 1000);
  }

  private notify(events: readonly EngineEvent[], listeners: ReadonlySet<GameListener>): void {
    for (const listener of listeners) {
      try {
        listener(events);
      } catch (err) {
        this.logger.error(`game listener failed: ${String(err)}`);
      }
    }
  }

  /** --fresh: tombstones for every live entry of the market's and the tasks' changelogs. */
  private async discardSavedGame(): Promise<void> {
    let deleted = 0;
    for (const topic of [TOPICS.gameChangelog.name, TOPICS.taskChangelog.name]) {
      const live = new Map<string, { key: Buffer; partition: number }>();
      for (const message of await this.bus.readTopic(topic)) {
        if (message.key === null) continue;
        const id = `${message.partition}/${message.key.toString('latin1')}`;
        if (message.value === null) live.delete(id);
        else live.set(id, { key: message.key, partition: message.partition });
      }
      deleted += live.size;
      if (live.size > 0)
        await this.bus.publish(
          topic,
          [...live.values()].map(({ key, partition }) => ({ key, value: null, partition })),
        );
    }
    if (deleted > 0) this.logger.log(`--fresh: the saved game (${deleted} entries) is deleted; a new game starts`);
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
