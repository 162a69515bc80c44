/**
 * Plays a recorded evening of gibbs onto `gibber-gibbs`: at the recorded pace,
 * or `speed` times faster, optionally in a loop — for demos, rehearsals and
 * rooms without X access. Timed by the game clock, so in virtual time a
 * recording plays in step with the ticks.
 */
import { basename } from 'node:path';
import type { Clock, TimerHandle } from '@banana-market/engine';
import type { GibbSourceStatus } from '@banana-market/protocol';
import type { ReplaySourceConfig } from '../../config/gibb-sources-config.js';
import type { GibbPublisher } from '../gibb-publisher.service.js';
import { SourceCounters, type GibbSource } from '../gibb-source.js';
import type { ReplayEntry } from './replay-file.js';

/** Between the last gibb of a loop and the first of the next, like a pause in the room. */
export const REPLAY_LOOP_PAUSE_MS = 5_000;

export class ReplayGibbSource implements GibbSource {
  readonly name = 'replay' as const;
  private readonly counters = new SourceCounters();
  private state: 'waiting' | 'playing' | 'finished' | 'stopped' = 'waiting';
  private timer: TimerHandle | undefined;
  private next = 0;
  private round = 0;
  private roundStartedAt = 0;

  constructor(
    private readonly config: ReplaySourceConfig,
    private readonly entries: readonly ReplayEntry[],
    private readonly publisher: GibbPublisher,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    this.state = 'playing';
    this.roundStartedAt = this.clock.now();
    this.scheduleNext();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'stopped';
  }

  status(): GibbSourceStatus {
    return {
      name: this.name,
      live: this.state === 'playing',
      state: this.state,
      detail: `${basename(this.config.file)}: ${this.next}/${this.entries.length} played${this.round > 0 ? ` in loop ${this.round + 1}` : ''}, ×${this.config.speed}${this.config.loop ? ', looping' : ''}`,
      ...this.counters.snapshot(),
    };
  }

  private scheduleNext(): void {
    if (this.state !== 'playing') return;
    if (this.next >= this.entries.length) {
      if (!this.config.loop) {
        this.state = 'finished';
        return;
      }
      this.round += 1;
      this.next = 0;
      this.roundStartedAt = this.clock.now() + REPLAY_LOOP_PAUSE_MS;
    }
    const dueAt = this.roundStartedAt + this.entries[this.next].offsetMs / this.config.speed;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.playDue();
    }, dueAt - this.clock.now());
  }

  /**
   * Publishes every entry due by now (several when the speed packs them into
   * one moment) and schedules the next before any publish completes: the bus
   * keeps the call order, and the next timer must not wait on I/O (in virtual
   * time it would fall behind the clock).
   */
  private playDue(): void {
    const now = this.clock.now();
    while (
      this.state === 'playing' &&
      this.next < this.entries.length &&
      this.roundStartedAt + this.entries[this.next].offsetMs / this.config.speed <= now
    ) {
      const entry = this.entries[this.next++];
      const id = `replay:${basename(this.config.file)}:${entry.id}${this.round > 0 ? `:${this.round + 1}` : ''}`;
      this.publisher.publish({ id: id.slice(0, 128), time: new Date(now).toISOString(), text: entry.text }, this.counters).catch((error: unknown) => {
        this.counters.lastError = `publishing failed: ${(error as Error).message}`;
      });
    }
    this.scheduleNext();
  }
}
