/**
 * Puts the engine on a clock: wakes up when something is due (a tick, a
 * plantation's return, a burst step), and lets the host pause, resume and end
 * the game. Works the same on the wall clock and on a VirtualClock.
 */
import type { GameStatus, Gibb, TraderKey, TraderState } from '@banana-market/sdk';
import type { Clock, TimerHandle } from './clock.js';
import type { ActionTxnType, EngineEvent, TraderAction } from './events.js';
import { MarketEngine } from './market-engine.js';
import { DEFAULT_RULES, type GameRules } from './rules.js';

export interface GameLoopOptions {
  readonly seed: string;
  readonly clock: Clock;
  readonly rules?: GameRules;
  /** Where a failing listener's error goes (default: console.error); the loop keeps running. */
  readonly onListenerError?: (error: unknown) => void;
}

export type EngineEventListener = (events: readonly EngineEvent[]) => void;

type LoopPhase = 'created' | 'running' | 'paused' | 'ended' | 'stopped';

export const PAUSED_REASON = 'the game is paused';
export const ENDED_REASON = 'the game has ended';

export class GameLoop {
  readonly engine: MarketEngine;
  private readonly clock: Clock;
  private readonly listeners = new Set<EngineEventListener>();
  private readonly onListenerError: (error: unknown) => void;
  private phase: LoopPhase = 'created';
  private timer: TimerHandle | undefined;
  private pausedAt = 0;

  constructor(options: GameLoopOptions) {
    this.clock = options.clock;
    this.engine = new MarketEngine({ seed: options.seed, startTime: options.clock.now(), rules: options.rules ?? DEFAULT_RULES });
    this.onListenerError = options.onListenerError ?? ((error) => console.error('game loop listener failed:', error));
  }

  /** running, paused (also before start) or ended (also after stop). */
  get status(): GameStatus {
    if (this.phase === 'running') return 'running';
    if (this.phase === 'ended' || this.phase === 'stopped') return 'ended';
    return 'paused';
  }

  onEvents(listener: EngineEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.phase !== 'created') return;
    this.phase = 'running';
    this.schedule();
  }

  pause(): void {
    if (this.phase !== 'running') return;
    this.catchUp();
    this.cancelTimer();
    this.pausedAt = this.clock.now();
    this.phase = 'paused';
  }

  resume(): void {
    if (this.phase !== 'paused') return;
    // Time stood still for the game: nothing that was due later catches up in a burst.
    this.engine.postpone(this.clock.now() - this.pausedAt);
    this.phase = 'running';
    this.schedule();
  }

  end(): void {
    if (this.phase === 'ended' || this.phase === 'stopped') return;
    if (this.phase === 'running') this.catchUp();
    this.cancelTimer();
    this.phase = 'ended';
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

  /** A gibb moves the hype while the game runs; a paused or ended game ignores it. */
  applyGibb(gibb: Gibb): readonly EngineEvent[] {
    if (this.phase !== 'running') return [];
    this.catchUp();
    const events = this.engine.applyGibb(gibb, this.clock.now());
    this.emit(events);
    this.schedule();
    return events;
  }

  /** Opens a trader's account; emits nothing (the host decides what to announce). */
  register(trader: TraderKey): { created: boolean; state: TraderState } {
    return this.engine.registerTrader(trader, this.clock.now());
  }

  private refusal(): string | undefined {
    if (this.phase === 'running') return undefined;
    return this.phase === 'paused' || this.phase === 'created' ? PAUSED_REASON : ENDED_REASON;
  }

  private catchUp(): void {
    this.emit(this.engine.advanceTo(this.clock.now()));
  }

  private schedule(): void {
    this.cancelTimer();
    if (this.phase !== 'running') return;
    const delay = Math.max(0, this.engine.nextDueTime() - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.phase !== 'running') return;
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

export function txnTypeOf(action: TraderAction): ActionTxnType {
  switch (action.kind) {
    case 'market':
      return 'MARKET';
    case 'invest':
      return 'INVEST';
    case 'feed':
      return 'FEED';
  }
}
