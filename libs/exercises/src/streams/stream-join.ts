/**
 * Windowed stream–stream joins (Kafka's `KStream#join(KStream, ValueJoiner,
 * JoinWindows, StreamJoined)`): each side buffers its records per key in a
 * store of its own, and a record joins the other side's buffered records of
 * its key that are within the join window.
 */
import { Serdes, type Serde } from './serdes.js';
import { Stores } from './stores.js';
import type { NodeContext, NodeInstance, TopologyGraph } from './topology.js';
import type { JoinWindows } from './windows.js';

/** The serdes and store names of a stream–stream join, as Kafka's `StreamJoined` (JSON for what is not given). */
export interface StreamJoined<K, V, VO> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  otherValueSerde?: Serde<VO>;
  /** Names the two stores `<storeName>-this-join-store` and `<storeName>-other-join-store`; by default `<join node>-store`. */
  storeName?: string;
}

/** A buffered record of one side: its value and its event time. */
interface Buffered {
  readonly timestamp: number;
  readonly value: unknown;
}

/** A key's buffered records as changelog bytes: plain JSON, or each value in its serde's bytes (base64) when one is given. */
function bufferSerde(valueSerde: Serde<unknown> | undefined): Serde<Buffered[]> {
  if (valueSerde === undefined) return Serdes.json<Buffered[]>();
  return {
    serialize: (records) =>
      Buffer.from(
        JSON.stringify(records.map((r) => ({ timestamp: r.timestamp, value: valueSerde.serialize(r.value)?.toString('base64') ?? null }))),
        'utf8',
      ),
    deserialize: (bytes) => {
      if (bytes === null) return null as unknown as Buffered[];
      const records = JSON.parse(bytes.toString('utf8')) as { timestamp: number; value: string | null }[];
      return records.map((r) => ({
        timestamp: r.timestamp,
        value: valueSerde.deserialize(r.value === null ? null : Buffer.from(r.value, 'base64')),
      }));
    },
  };
}

interface Side {
  /** The join's `-this-` store, for both sides: what their shared stream time is keyed by. */
  readonly joinStore: string;
  readonly ownStore: string;
  readonly otherStore: string;
  /** How far before and after this side's record the other side's records join it. */
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** How long a buffered record can still be joined: before + after + grace, Kafka's join store retention. */
  readonly retentionMs: number;
  readonly join: (value: unknown, otherValue: unknown, key: unknown) => unknown;
}

/**
 * Adds the join to the graph: one node per side (`KSTREAM-JOINTHIS`, `KSTREAM-JOINOTHER`, each connected to both
 * stores) and a `KSTREAM-MERGE` of their results; returns the merge node's name.
 */
export function addStreamStreamJoin<K, V, VO, VR>(
  graph: TopologyGraph,
  thisNode: string,
  otherNode: string,
  joiner: (value: V, otherValue: VO, key: K) => VR,
  windows: JoinWindows,
  joined: StreamJoined<K, V, VO> = {},
): string {
  const thisName = graph.newName('KSTREAM-JOINTHIS');
  const otherName = graph.newName('KSTREAM-JOINOTHER');
  const thisStore = joined.storeName === undefined ? `${thisName}-store` : `${joined.storeName}-this-join-store`;
  const otherStore = joined.storeName === undefined ? `${otherName}-store` : `${joined.storeName}-other-join-store`;
  graph.addStore(
    Stores.keyValueStore(thisStore, { keySerde: joined.keySerde, valueSerde: bufferSerde(joined.valueSerde as Serde<unknown> | undefined) }),
  );
  graph.addStore(
    Stores.keyValueStore(otherStore, { keySerde: joined.keySerde, valueSerde: bufferSerde(joined.otherValueSerde as Serde<unknown> | undefined) }),
  );
  const { beforeMs, afterMs, graceMs } = windows;
  const retentionMs = beforeMs + afterMs + graceMs;
  const thisSide: Side = {
    joinStore: thisStore,
    ownStore: thisStore,
    otherStore,
    beforeMs,
    afterMs,
    graceMs,
    retentionMs,
    join: (value, otherValue, key) => joiner(value as V, otherValue as VO, key as K),
  };
  // Seen from the other stream, the window is mirrored: its record at t joins this stream's records in [t − after, t + before].
  const otherSide: Side = {
    joinStore: thisStore,
    ownStore: otherStore,
    otherStore: thisStore,
    beforeMs: afterMs,
    afterMs: beforeMs,
    graceMs,
    retentionMs,
    join: (otherValue, value, key) => joiner(value as V, otherValue as VO, key as K),
  };
  graph.addNode({ name: thisName, parents: [thisNode], storeNames: [thisStore, otherStore], create: (context) => joinSide(context, thisSide) });
  graph.addNode({ name: otherName, parents: [otherNode], storeNames: [otherStore, thisStore], create: (context) => joinSide(context, otherSide) });
  return graph.addProcessor('KSTREAM-MERGE', [thisName, otherName], (context) => ({ process: (r) => context.forward(r) }));
}

/** A stream time shared by the two sides of one join in one runtime, as Kafka's KStreamImplJoin.TimeTracker. */
interface TimeTracker {
  streamTime: number;
}

/** Keyed by the join's `-this-` store instance: both sides of a join in one runtime get the same one, a restart a new one. */
const timeTrackers = new WeakMap<object, TimeTracker>();

function sharedTimeTracker(joinStore: object): TimeTracker {
  let tracker = timeTrackers.get(joinStore);
  if (tracker === undefined) {
    tracker = { streamTime: -1 };
    timeTrackers.set(joinStore, tracker);
  }
  return tracker;
}

/**
 * One side of the join. Every record that reaches either side moves the join's
 * stream time (Kafka 3.7's KStreamKStreamJoin advances its shared time tracker
 * before it skips a record), and nothing else does; after a restart it starts
 * again from −1, as Kafka's. A record with a null key or value is then skipped
 * (Kafka's `StreamStreamJoinUtil.skipRecord`); one whose window
 * [t − before, t + after] has closed (its end + grace < the join's stream time)
 * is late: dropped and counted. Any other record is buffered under its key,
 * then joined with every buffered record of the other side with that key and a
 * timestamp in its window, oldest first (in arrival order for equal
 * timestamps), each result stamped with the later of the two timestamps.
 * Buffered records are purged from both stores, with changelog tombstones,
 * once the join's stream time has passed them by before + after + grace: no
 * record still accepted could join them.
 */
function joinSide(context: NodeContext, side: Side): NodeInstance {
  const own = context.store<unknown, Buffered[]>(side.ownStore);
  const other = context.store<unknown, Buffered[]>(side.otherStore);
  const tracker = sharedTimeTracker(context.store(side.joinStore));
  const retained = (record: Buffered) => record.timestamp >= tracker.streamTime - side.retentionMs;
  const purge = (store: typeof own) => {
    for (const { key, value } of [...store.all()]) {
      const kept = value.filter(retained);
      if (kept.length === value.length) continue;
      if (kept.length === 0) store.delete(key);
      else store.put(key, kept);
    }
  };
  return {
    process: (r) => {
      const t = r.timestamp;
      if (t > tracker.streamTime) {
        tracker.streamTime = t;
        purge(own);
        purge(other);
      }
      if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
      if (t + side.afterMs + side.graceMs < tracker.streamTime) {
        context.recordDropped();
        return;
      }
      own.put(r.key, [...(own.get(r.key) ?? []).filter(retained), { timestamp: t, value: r.value }]);
      const matches = (other.get(r.key) ?? [])
        .filter((o) => retained(o) && t - side.beforeMs <= o.timestamp && o.timestamp <= t + side.afterMs)
        .sort((a, b) => a.timestamp - b.timestamp);
      for (const o of matches) context.forward({ key: r.key, value: side.join(r.value, o.value, r.key), timestamp: Math.max(t, o.timestamp) });
    },
  };
}
