/** What every source of gibbs (gibber page, X, replay) looks like to the server that runs them. */
import type { GibbSourceStatus } from '@banana-market/protocol';

export interface GibbSource {
  readonly name: GibbSourceStatus['name'];
  /** Starts delivering; resolves once started, not when the source ends. */
  start(): Promise<void>;
  /** Stops delivering and releases connections and timers; safe to call twice. */
  stop(): Promise<void>;
  status(): GibbSourceStatus;
}

/** Counters every source keeps the same way, turned into its status. */
export class SourceCounters {
  published = 0;
  duplicates = 0;
  skipped = 0;
  lastGibbAt: string | null = null;
  lastError: string | null = null;

  snapshot(): Pick<GibbSourceStatus, 'published' | 'duplicates' | 'skipped' | 'lastGibbAt' | 'lastError'> {
    return { published: this.published, duplicates: this.duplicates, skipped: this.skipped, lastGibbAt: this.lastGibbAt, lastError: this.lastError };
  }
}
