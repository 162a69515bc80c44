/**
 * The room's gibber: people post from their phones (the /gibber page, or
 * POST /api/gibbs). Its "source" is the HTTP endpoint; this object holds
 * whether it is open and what it has published, for the coach's status.
 */
import type { GibbSourceStatus } from '@banana-market/protocol';
import type { GibberConfig } from '../../config/gibb-sources-config.js';
import { SourceCounters, type GibbSource } from '../gibb-source.js';

export class GibberSource implements GibbSource {
  readonly name = 'gibber' as const;
  readonly counters = new SourceCounters();
  private running = false;

  constructor(
    private readonly config: GibberConfig,
    /** Closed when the coach left it out of GIBB_SOURCES: only the admin token may still post. */
    readonly open: boolean,
  ) {}

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  status(): GibbSourceStatus {
    const live = this.open && this.running;
    return {
      name: this.name,
      live,
      state: live ? 'open' : 'closed',
      detail: `${this.open ? '' : 'closed to the room (admin token only); '}/gibber and POST /api/gibbs, at most ${this.config.perClientLimit} per ${this.config.windowMs / 1000} s per client`,
      ...this.counters.snapshot(),
    };
  }
}
