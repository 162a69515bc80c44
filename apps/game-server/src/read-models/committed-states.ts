/**
 * Each trader's latest state this server's tasks committed, kept until the
 * trader-states view has read it back. The view reads in bulk (on Kafka up
 * to 50 ms late): when a task leaves this server (a broker outage, a
 * hand-over), a player's state must not go back to what the view had read
 * before the task's last commits — an order acknowledged, then a state from
 * before it.
 *
 * Of the two the later `time` wins, the view's on a tie: a newer owner's
 * states reach the view and replace these, and an entry goes as soon as the
 * view holds a state as new (or a tombstone), so the map holds only what the
 * view has not read yet.
 */
import { traderId, type TraderKey, type TraderState } from '@banana-market/protocol';
import type { EngineEvent } from '@banana-market/engine';
import type { TraderStatesView } from './trader-states.view.js';

export type StatesRead = Pick<TraderStatesView, 'state' | 'onChange'>;

export class CommittedStates {
  /** traderId → the state committed last, not yet read back by the view. */
  private readonly unread = new Map<string, TraderState>();
  private readonly stopFollowing: () => void;

  constructor(private readonly view: StatesRead) {
    this.stopFollowing = view.onChange((trader, state) => {
      // Every state the view reads comes here: with nothing unread (most of the time) there is no id to build.
      if (this.unread.size === 0) return;
      const id = traderId(trader);
      const mine = this.unread.get(id);
      if (mine !== undefined && (state === undefined || !isLater(mine, state))) this.unread.delete(id);
    });
  }

  /** Events a task of this server committed. */
  committed(events: readonly EngineEvent[]): void {
    for (const event of events) if (event.kind === 'trader-state') this.unread.set(traderId(event.trader), event.state);
  }

  /** The trader's latest state as this server knows it without its task: the view's, or a later one committed here. */
  state(trader: TraderKey): TraderState | undefined {
    const read = this.view.state(trader);
    const mine = this.unread.get(traderId(trader));
    if (mine === undefined) return read;
    return read === undefined || isLater(mine, read) ? mine : read;
  }

  stop(): void {
    this.stopFollowing();
    this.unread.clear();
  }
}

function isLater(a: TraderState, b: TraderState): boolean {
  return Date.parse(a.time) > Date.parse(b.time);
}
