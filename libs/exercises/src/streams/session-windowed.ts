import { countAdder, isAggregatable, materializedAggregation, reduceAdder, type Adder } from './aggregation.js';
import type { KTable } from './ktable.js';
import type { NodeContext, NodeInstance, TopologyGraph } from './topology.js';
import type { SessionWindows, Window, Windowed } from './windows.js';

export interface SessionWindowedKStream<K, V> {
  count(storeName?: string): KTable<Windowed<K>, number>;
  reduce(reducer: (aggregate: V, value: V) => V, storeName?: string): KTable<Windowed<K>, V>;
  /** When sessions merge, each old session is retracted downstream with a tombstone (value null). */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    storeName?: string,
  ): KTable<Windowed<K>, A>;
}

/** How sessions fold: one value at a time, and two sessions into one. */
interface SessionFold<K, V, A> {
  readonly add: Adder<K, V, A>;
  readonly merge: (key: K, left: A | undefined, right: A) => A;
}

export class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {
  constructor(
    private readonly graph: TopologyGraph,
    private readonly parentName: string,
    private readonly windows: SessionWindows,
  ) {}

  count(storeName?: string): KTable<Windowed<K>, number> {
    return this.fold({ add: countAdder<K, V>(), merge: (_key, left, right) => (left ?? 0) + right }, storeName);
  }

  reduce(reducer: (aggregate: V, value: V) => V, storeName?: string): KTable<Windowed<K>, V> {
    return this.fold(
      { add: reduceAdder<K, V>(reducer), merge: (_key, left, right) => (left === undefined ? right : reducer(left, right)) },
      storeName,
    );
  }

  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    storeName?: string,
  ): KTable<Windowed<K>, A> {
    // As Kafka Streams: merging starts from a fresh initial aggregate, then adds the value.
    return this.fold(
      {
        add: (key, value, aggregate) => aggregator(key, value, aggregate === undefined ? initializer() : aggregate),
        merge: (key, left, right) => merger(key, left === undefined ? initializer() : left, right),
      },
      storeName,
    );
  }

  private fold<A>(fold: SessionFold<K, V, A>, storeName: string | undefined): KTable<Windowed<K>, A> {
    return materializedAggregation(this.graph, this.parentName, storeName, (context, name) => sessionNode(context, name, this.windows, fold), {
      windowing: this.windows,
    });
  }
}

/**
 * The sessions of each key that a record could still reach, so that a record
 * does not scan the whole store. Built from the store when the node starts
 * (after any restore); each key's sessions are kept in time order.
 *
 * A closed session is forgotten only once the next session of its key has
 * closed too, so the latest closed session of a key is always remembered. No
 * fixed horizon of stream time would do: a record within the gap of a closed
 * session may also be within the gap of a later session that is still open
 * (which records can keep open, and stretch back towards it, for as long as
 * they come), and the closed session must be there to make that record late.
 * Once the next session has closed as well, a record within the forgotten
 * session's gap is late with or without it: every session it could join is
 * closed, and a session of its own would close before that next one.
 */
class SessionIndex<K> {
  private readonly byKey = new Map<string, Windowed<K>[]>();

  constructor(sessions: Iterable<Windowed<K>>) {
    for (const session of sessions) this.add(session);
  }

  reachable(key: K, isOpen: (window: Window) => boolean): Windowed<K>[] {
    const id = JSON.stringify(key);
    const sessions = this.byKey.get(id) ?? [];
    // Sessions of a key do not overlap, so in time order the closed ones come first.
    let closed = 0;
    while (closed < sessions.length && !isOpen(sessions[closed].window)) closed++;
    if (closed <= 1) return sessions;
    const kept = sessions.slice(closed - 1);
    this.byKey.set(id, kept);
    return kept;
  }

  add(session: Windowed<K>): void {
    const id = JSON.stringify(session.key);
    const sessions = [...(this.byKey.get(id) ?? []), session];
    sessions.sort((a, b) => a.window.start - b.window.start);
    this.byKey.set(id, sessions);
  }

  remove(session: Windowed<K>): void {
    const id = JSON.stringify(session.key);
    this.byKey.set(
      id,
      (this.byKey.get(id) ?? []).filter((s) => s !== session),
    );
  }
}

function sessionNode<K, V, A>(context: NodeContext, storeName: string, windows: SessionWindows, fold: SessionFold<K, V, A>): NodeInstance {
  const store = context.store<Windowed<K>, A>(storeName);
  const index = new SessionIndex<K>([...store.all()].map((entry) => entry.key));
  const isOpen = (window: Window) => windows.closeTimeOf(window) > context.streamTimeMs;
  const sameWindow = (a: Window, b: Window) => a.start === b.start && a.end === b.end;
  return {
    process: (r) => {
      if (!isAggregatable(r.key, r.value)) return;
      const key = r.key as K;
      const t = r.timestamp;
      // Sessions within the gap on either side, inclusive, join the record's session.
      const overlapping = index
        .reachable(key, isOpen)
        .filter((session) => session.window.end >= t - windows.gapMs && session.window.start <= t + windows.gapMs)
        .map((session) => ({ key: session, value: store.get(session) as A }));
      overlapping.sort((a, b) => a.key.window.start - b.key.window.start);
      const merged: Window = {
        start: Math.min(t, ...overlapping.map((s) => s.key.window.start)),
        end: Math.max(t, ...overlapping.map((s) => s.key.window.end)),
      };
      // A record that belongs to a session already over is late, even if it would also join an open one: that session's result is final.
      if (!isOpen(merged) || overlapping.some((s) => !isOpen(s.key.window))) {
        context.recordDropped();
        return;
      }
      let aggregate: A | undefined;
      let previous: A | null = null;
      let kept: Windowed<K> | undefined;
      for (const session of overlapping) {
        aggregate = fold.merge(key, aggregate, session.value);
        if (sameWindow(session.key.window, merged)) {
          previous = session.value;
          kept = session.key;
          continue;
        }
        store.delete(session.key);
        index.remove(session.key);
        context.forward({ key: session.key, value: null, oldValue: session.value, timestamp: t });
      }
      // A lone session is taken as it is, not merged with a fresh initial aggregate.
      if (overlapping.length === 1) aggregate = overlapping[0].value;
      const value = fold.add(key, r.value as V, aggregate);
      const sessionKey: Windowed<K> = kept ?? { key, window: merged };
      store.put(sessionKey, value);
      if (kept === undefined) index.add(sessionKey);
      context.forward({ key: sessionKey, value, oldValue: previous, timestamp: t });
    },
  };
}
