/**
 * The market, run by exactly one server: the owner of partition 0 of
 * game-commands (and gibber-gibbs) in the market group. Its GameLoop holds no
 * trader: it ticks the price, reads the hype from gibbs, steps the bursts and
 * owns the lifecycle (the coach's commands reach it on game-commands). Its
 * events and its game record (sealed, on game-changelog) go out in its own
 * transaction — a leader that lost the partition is fenced — and every task,
 * on every server, follows that record.
 */
import { Logger } from '@nestjs/common';
import type { GameRecord, Gibb } from '@banana-market/protocol';
import { GameLoop, type EngineEvent } from '@banana-market/engine';
import type { TaskContext } from '../bus/message-bus.js';
import { GameStateStore, type LoadedGame } from '../state/game-state-store.js';
import { EngineEventPublisher } from './engine-event-publisher.js';
import type { GameHost } from './game-host.js';

export interface MarketLeaderHost extends GameHost {
  /** The game record after every change: this server's tasks follow it at once. */
  readonly onRecord: (record: GameRecord) => void;
}

export class MarketLeader {
  readonly loop: GameLoop;
  private readonly logger = new Logger('Market');
  private readonly publisher: EngineEventPublisher;
  private readonly store: GameStateStore;

  constructor(
    context: TaskContext,
    private readonly deps: MarketLeaderHost,
  ) {
    const publish = (topic: string, messages: Parameters<TaskContext['publish']>[1]) => context.publish(topic, messages);
    this.publisher = new EngineEventPublisher(publish);
    // No publishAtCommit: the market's records are written as they come, none collapsed (game-changelog is read whole on restore).
    this.store = new GameStateStore(deps.bus, deps.cipher, undefined, publish);
    this.loop = new GameLoop({
      seed: deps.seed,
      rules: deps.rules,
      clock: deps.clock,
      trackChanges: true,
      externalLoad: () => deps.loads.total(),
      durationMs: deps.durationMs,
      lobby: deps.lobby,
    });
    this.loop.onEvents((events) => this.emit(events));
  }

  /** The stored market (game-changelog), before it starts; false when there is none (a new game). */
  restore(loaded: LoadedGame): boolean {
    if (loaded.save === undefined) return false;
    this.loop.restore({ ...loaded.save, accounts: [], returns: [], recent: [], txns: [] });
    return true;
  }

  /** The game record as it is now (before start: the restored or new game's). */
  record(): GameRecord {
    return this.loop.save().game;
  }

  start(): void {
    this.loop.start();
    this.deps.onRecord(this.record());
  }

  stop(): void {
    this.loop.stop();
  }

  applyGibb(gibb: Gibb): void {
    this.loop.applyGibb(gibb);
  }

  flushed(): Promise<void> {
    return this.publisher.flushed();
  }

  private emit(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    void this.publisher.publish(events);
    const changes = this.loop.takeChanges();
    this.store.write(changes).catch((err: unknown) => this.logger.warn(`could not store the market: ${String(err)}`));
    const record = changes.find((entry) => entry.store === 'game')?.value as GameRecord | undefined;
    if (record !== undefined) this.deps.onRecord(record);
    this.deps.onEvents(events);
  }
}
