import { countAdder, isAggregatable, materializedAggregation, reduceAdder, type Adder } from './aggregation.js';
import type { KTable } from './ktable.js';
import { type Materialized, retentionOf, type StoreArgument, storeNameOf } from './materialized.js';
import type { NodeContext, NodeInstance, TopologyGraph } from './topology.js';
import type { SessionWindows, Window, Windowed } from './windows.js';

/** `store`: the store's name, or a Materialized with a name and a retention (Materialized.as(name).withRetention(ms)). */
export interface SessionWindowedKStream<K, V> {
  count(store?: string | Materialized): KTable<Windowed<K>, number>;
  reduce(reducer: (aggregate: V, value: V) => V, store?: string | Materialized): KTable<Windowed<K>, V>;
  /** When sessions merge, each old session is retracted downstream with a tombstone (value null). */
  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    store?: string | Materialized,
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

  count(store?: string | Materialized): KTable<Windowed<K>, number> {
    return this.fold({ add: countAdder<K, V>(), merge: (_key, left, right) => (left ?? 0) + right }, store);
  }

  reduce(reducer: (aggregate: V, value: V) => V, store?: string | Materialized): KTable<Windowed<K>, V> {
    return this.fold({ add: reduceAdder<K, V>(reducer), merge: (_key, left, right) => (left === undefined ? right : reducer(left, right)) }, store);
  }

  aggregate<A>(
    initializer: () => A,
    aggregator: (key: K, value: V, aggregate: A) => A,
    merger: (key: K, left: A, right: A) => A,
    store?: string | Materialized,
  ): KTable<Windowed<K>, A> {
    // As Kafka Streams: merger(initializer(), session) for each session found, even a lone one, then the aggregator.
    return this.fold(
      {
        add: (key, value, aggregate) => aggregator(key, value, aggregate === undefined ? initializer() : aggregate),
        merge: (key, left, right) => merger(key, left === undefined ? initializer() : left, right),
      },
      store,
    );
  }

  private fold<A>(fold: SessionFold<K, V, A>, store: StoreArgument): KTable<Windowed<K>, A> {
    const windows = this.windows;
    // Kafka's default retention of a session store is gap + grace, by session end; one more ms here, so that a session
    // expires exactly as it closes (closeTimeOf: end + gap + 1 + grace), never while a record could still merge into it.
    const retentionMs = retentionOf(store, windows.gapMs + windows.graceMs, 'inactivity gap + grace') + 1;
    return materializedAggregation(this.graph, this.parentName, storeNameOf(store), (context, name) => sessionNode(context, name, windows, fold), {
      windowing: windows,
      retention: { retentionMs, timeOf: (key: Windowed<K>) => key.window.end },
    });
  }
}

/**
 * The sessions of each key, in time order, so that a record does not scan the
 * whole store. Built from the store when the node starts (after any restore).
 * As Kafka Streams' session store, a closed session stays findable until the
 * store's retention purges it: a record between it and an open session merges
 * them both.
 */
class SessionIndex<K> {
  private readonly byKey = new Map<string, Windowed<K>[]>();

  constructor(sessions: Iterable<Windowed<K>>) {
    for (const session of sessions) this.add(session);
  }

  /** The sessions of the key that end at or after `from` and start at or before `to`, oldest first. */
  find(key: K, from: number, to: number): Windowed<K>[] {
    return (this.byKey.get(JSON.stringify(key)) ?? []).filter((s) => s.window.end >= from && s.window.start <= to);
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

/**
 * Kafka Streams' KStreamSessionWindowAggregate, without caching: the record's
 * session [t, t] merges with every session of its key within the gap on either
 * side (inclusive), closed ones included; the record is late, and dropped, only
 * if the merged session has closed (its end + gap + grace is before stream
 * time). The aggregate always starts from merger(initializer(), …) of the
 * sessions found, then adds the value. Every update is stamped with its
 * session's end.
 */
function sessionNode<K, V, A>(context: NodeContext, storeName: string, windows: SessionWindows, fold: SessionFold<K, V, A>): NodeInstance {
  const store = context.store<Windowed<K>, A>(storeName);
  const index = new SessionIndex<K>([...store.all()].map((entry) => entry.key));
  // Kafka's KStreamSessionWindowAggregate#observedStreamTime: moved only by the records that reach this node, −1 again
  // after a restart; the store's own stream time, restored from its changelog, keeps expired sessions expired.
  let streamTime = -1;
  const isOpen = (window: Window) => windows.closeTimeOf(window) > streamTime && !store.isExpired(window.end);
  /** The sessions found that the store still holds; the index forgets those its retention purged. */
  const stored = (sessions: Windowed<K>[]) =>
    sessions.flatMap((session) => {
      const value = store.get(session);
      if (value !== undefined) return [{ key: session, value }];
      index.remove(session);
      return [];
    });
  return {
    process: (r) => {
      if (!isAggregatable(r.key, r.value)) return;
      const key = r.key as K;
      const t = r.timestamp;
      streamTime = Math.max(streamTime, t);
      const found = stored(index.find(key, t - windows.gapMs, t + windows.gapMs));
      const merged: Window = {
        start: Math.min(t, ...found.map((s) => s.key.window.start)),
        end: Math.max(t, ...found.map((s) => s.key.window.end)),
      };
      if (!isOpen(merged)) {
        context.recordDropped();
        return;
      }
      let aggregate: A | undefined;
      for (const session of found) aggregate = fold.merge(key, aggregate, session.value);
      let previous: A | null = null;
      if (merged.start !== t || merged.end !== t) {
        // Every session found is retracted, even one whose window the merged session keeps.
        for (const session of found) {
          store.delete(session.key);
          index.remove(session.key);
          context.forward({ key: session.key, value: null, oldValue: session.value, timestamp: session.key.window.end });
        }
      } else if (found.length > 0) {
        previous = found[0].value;
        index.remove(found[0].key);
      }
      const value = fold.add(key, r.value as V, aggregate);
      const sessionKey: Windowed<K> = { key, window: merged };
      store.put(sessionKey, value);
      index.add(sessionKey);
      context.forward({ key: sessionKey, value, oldValue: previous, timestamp: merged.end });
    },
  };
}
