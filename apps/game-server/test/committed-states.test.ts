/**
 * A trader's state while its task is away from this server: the view's, unless
 * this server committed a later one the view has not read back yet (the view
 * reads in bulk). Seen in CI: a broker outage right after an acknowledged SELL
 * answered the next refusal with the state from before the SELL.
 */
import { describe, expect, it } from 'vitest';
import type { TraderKey, TraderState } from '@banana-market/protocol';
import { CommittedStates } from '../src/read-models/committed-states.js';
import type { TraderStateListener } from '../src/read-models/trader-states.view.js';

const ana: TraderKey = { team: 'T', name: 'ana' };
const at = (second: number, coins: number): TraderState => ({
  time: new Date(Date.UTC(2026, 11, 5, 10, 0, second)).toISOString(),
  coins,
  shares: 5,
  bailouts: 0,
  fedMonkeys: 0,
  inFlightInvestments: 0,
});

/** A trader-states view the test feeds by hand. */
function view() {
  const states = new Map<string, TraderState>();
  const listeners = new Set<TraderStateListener>();
  return {
    state: (trader: TraderKey) => states.get(trader.name),
    onChange: (listener: TraderStateListener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read(trader: TraderKey, state: TraderState | undefined) {
      if (state === undefined) states.delete(trader.name);
      else states.set(trader.name, state);
      for (const listener of listeners) listener(trader, state);
    },
    get listening() {
      return listeners.size;
    },
  };
}

describe('CommittedStates', () => {
  it('answers the state committed here until the view has read it back, then the view', () => {
    const v = view();
    const committed = new CommittedStates(v);
    v.read(ana, at(1, 10));
    committed.committed([{ kind: 'trader-state', trader: ana, state: at(2, 9) }]);
    // The view is behind: the committed state is later.
    expect(committed.state(ana)).toEqual(at(2, 9));
    v.read(ana, at(2, 9));
    expect(committed.state(ana)).toEqual(at(2, 9));
    // The entry went once read back: a later state of another server's task is the view's alone.
    v.read(ana, at(3, 8));
    expect(committed.state(ana)).toEqual(at(3, 8));
  });

  it("takes the view's state when it is later, and a tombstone over anything committed here", () => {
    const v = view();
    const committed = new CommittedStates(v);
    committed.committed([{ kind: 'trader-state', trader: ana, state: at(2, 9) }]);
    expect(committed.state(ana)).toEqual(at(2, 9));
    v.read(ana, at(5, 7));
    expect(committed.state(ana)).toEqual(at(5, 7));
    committed.committed([{ kind: 'trader-state', trader: ana, state: at(6, 6) }]);
    v.read(ana, undefined);
    expect(committed.state(ana)).toBeUndefined();
  });

  it('stops following the view when stopped', () => {
    const v = view();
    const committed = new CommittedStates(v);
    expect(v.listening).toBe(1);
    committed.stop();
    expect(v.listening).toBe(0);
  });
});
