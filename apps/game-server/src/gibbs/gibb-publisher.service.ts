/**
 * The one way a source puts a gibb on `gibber-gibbs`: checked against the
 * protocol schema, dropped when its id was already published (an X stream
 * and its search fallback overlap; a replay may repeat), then written with
 * the single-stream key.
 */
import { Inject, Injectable } from '@nestjs/common';
import { encode, gibbSchema, SINGLE_STREAM_KEY, TOPICS, type Gibb } from '@banana-market/protocol';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { RecentIds } from './recent-ids.js';
import type { SourceCounters } from './gibb-source.js';

export type PublishOutcome = { published: true; gibb: Gibb } | { published: false; reason: string };

@Injectable()
export class GibbPublisher {
  private readonly seen = new RecentIds();

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async publish(candidate: Gibb, counters?: SourceCounters): Promise<PublishOutcome> {
    const parsed = gibbSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (counters) counters.skipped += 1;
      return { published: false, reason: `${issue.path.join('.') || 'gibb'}: ${issue.message}` };
    }
    if (!this.seen.firstSighting(parsed.data.id)) {
      if (counters) counters.duplicates += 1;
      return { published: false, reason: `duplicate id ${parsed.data.id}` };
    }
    await this.bus.publish(TOPICS.gibberGibbs.name, [{ key: encode.singleStreamKey(SINGLE_STREAM_KEY), value: encode.gibb(parsed.data) }]);
    if (counters) {
      counters.published += 1;
      counters.lastGibbAt = parsed.data.time;
    }
    return { published: true, gibb: parsed.data };
  }
}
