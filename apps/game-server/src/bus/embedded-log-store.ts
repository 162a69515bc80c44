/**
 * Where a durable embedded bus keeps its topics: one SQLite file,
 * `<dataDir>/bus.sqlite`, through better-sqlite3. It holds the topic specs,
 * the retained messages of every partition, the compacted survivors (the
 * newest trimmed message of each key) and the consumer groups' committed
 * offsets. The bus decides what to write and when (EmbeddedBus batches one
 * macrotask's worth into one transaction); this file only knows how to write
 * a batch atomically and how to read everything back.
 *
 * Messages are stored as segments, like Kafka's log: one row per partition
 * per transaction, holding that partition's run of consecutive offsets
 * (encoded by encodeSegment), keyed by an increasing sequence number. So a
 * commit appends at the right edge of one B-tree and rewrites few pages:
 * a row per message, or rows keyed by (topic, partition, offset), rewrote a
 * page per partition touched in every transaction, which the embedded
 * benchmark felt. The store remembers each partition's segments (sequence
 * and last offset) to delete, when retention trims, those wholly below the
 * partition's new start, which it records; the messages below it in a
 * straddling segment are skipped on load.
 *
 * Durability policy: WAL journal with `synchronous = NORMAL`. A commit is
 * written to the WAL file (so it is in the OS page cache) before `writeBatch`
 * returns, but not fsynced; only checkpoints fsync. So a process killed at
 * any moment — SIGKILL, OOM, a crash — loses nothing that was acknowledged,
 * while a power cut or kernel panic may lose the last transactions (never
 * corrupt the file: WAL replays whole transactions only). That is the
 * failure a workshop server meets; FULL (an fsync per commit, i.e. per
 * macrotask with traffic) would cost a disk flush per batch for the rarer one.
 *
 * Checkpoints (copying the WAL into the database file, with its fsyncs) run
 * off the event loop: SQLite's automatic one runs inside the commit that
 * crosses 1000 pages: under load an 11 ms stall every few dozen commits, and
 * more than half of the write time of this store's write pattern. A
 * second connection on a worker thread checkpoints (PASSIVE: it never blocks
 * the writer) after every CHECKPOINT_EVERY_BYTES written; the writer's own
 * automatic checkpoint stays, at WAL_AUTOCHECKPOINT_PAGES, as the bound on the
 * WAL should the worker fall behind or fail (a PASSIVE checkpoint that ends
 * after new commits cannot let the writer restart the WAL). Checkpoints do not
 * change what a commit guarantees, nor what a killed process leaves.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { TopicSpec } from './message-bus.js';
import type { BusMessage } from './message-bus.js';

export const BUS_DATABASE_FILE = 'bus.sqlite';

/** Bytes of messages committed between two background checkpoints (about SQLite's default of 1000 pages). */
const CHECKPOINT_EVERY_BYTES = 4 * 1024 * 1024;
/** The writer's own automatic checkpoint, now only a bound on the WAL (64 MiB of 4 KiB pages). */
const WAL_AUTOCHECKPOINT_PAGES = 16_384;
/** How long close() waits for the checkpointer to finish the checkpoint it is running and close its connection. */
const CHECKPOINTER_CLOSE_WAIT_MS = 10_000;

/**
 * The checkpointer thread: CommonJS evaluated by the Worker, so that it runs the same from the built
 * server and from the tests' TypeScript sources. It answers each "checkpoint" with the PRAGMA's
 * result, and "close" by closing its connection and raising the shared flag close() waits on.
 */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const closed = new Int32Array(workerData.closed);
// However the thread ends (a failed open included), close() must not wait for it.
process.on('exit', () => {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
});
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on('message', (command) => {
  if (command === 'close') {
    db.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ result: db.pragma('wal_checkpoint(PASSIVE)')[0] });
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
`;

/** The database of a data directory. */
/** Deletes the bus's database in `dataDir` with its WAL files (a fresh start); nothing there is fine. */
export function deleteBusDatabase(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${busDatabasePath(dataDir)}${suffix}`, { force: true });
}

export function busDatabasePath(dataDir: string): string {
  return join(dataDir, BUS_DATABASE_FILE);
}

/** What compaction keeps of trimmed messages is addressed by key; null and empty keys share one slot, as in memory. */
export function compactionKey(key: Buffer | null): string {
  return key?.toString('base64') ?? '';
}

export interface StoredPartition {
  /** Offset of messages[0]: the partition's start, 0 until retention first trimmed it. */
  readonly firstOffset: number;
  readonly messages: BusMessage[];
}

export interface StoredTopic {
  readonly spec: TopicSpec;
  readonly partitions: StoredPartition[];
  /** Compacted topics: the newest trimmed message of each key whose value is not a tombstone. */
  readonly compacted: BusMessage[];
}

export interface StoredState {
  readonly topics: StoredTopic[];
  /** groupId → "topic/partition" → next offset to read. */
  readonly committed: Map<string, Map<string, number>>;
}

/** What retention dropped from one partition, to be mirrored in the database. */
export interface Trim {
  readonly topic: string;
  readonly partition: number;
  /** The partition's new oldest offset: every row below it goes. */
  readonly firstOffset: number;
  /** Compacted topics: the new newest trimmed message of each key (replacing the old survivor). */
  readonly survivors: readonly BusMessage[];
  /** Compacted topics: keys whose newest trimmed message is a tombstone, so the key is gone. */
  readonly deletedKeys: readonly string[];
}

export interface Batch {
  /** Runs of consecutive offsets of one partition each (offsets assigned): one segment row each. */
  readonly segments: ReadonlyArray<readonly BusMessage[]>;
  readonly offsets: ReadonlyArray<{ readonly groupId: string; readonly topic: string; readonly partition: number; readonly next: number }>;
  readonly trims: readonly Trim[];
}

/** The database cannot be opened or read: one message naming the file and what to do. */
export class EmbeddedBusStorageError extends Error {
  constructor(file: string, cause: unknown) {
    super(
      `cannot read the embedded bus database ${file} (${cause instanceof Error ? cause.message : String(cause)}): ` +
        'it is corrupted or not a Banana Market bus. Delete it (with its -wal and -shm files) to start a new game, or start the server with --fresh.',
      { cause },
    );
    this.name = 'EmbeddedBusStorageError';
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    partitions INTEGER NOT NULL,
    config TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS segments (
    seq INTEGER PRIMARY KEY,
    topic INTEGER NOT NULL,
    partition INTEGER NOT NULL,
    base_offset INTEGER NOT NULL,
    last_offset INTEGER NOT NULL,
    payload BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS partition_starts (
    topic INTEGER NOT NULL,
    partition INTEGER NOT NULL,
    first_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, partition)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS compacted (
    topic INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    partition INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    key BLOB,
    value BLOB,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (topic, key_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS group_offsets (
    group_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) WITHOUT ROWID;
`;

interface MessageRow {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

interface SegmentRef {
  readonly seq: number;
  readonly last: number;
}

interface TopicRow {
  id: number;
  name: string;
  partitions: number;
  config: string;
}

export class EmbeddedLogStore {
  private readonly topicIds = new Map<string, number>();
  /** "topicId/partition" → its segments, oldest first: what retention may delete. */
  private readonly segmentIndex = new Map<string, SegmentRef[]>();
  private readonly insertSegment: Database.Statement;
  private readonly upsertStart: Database.Statement;
  private readonly upsertOffset: Database.Statement;
  private readonly deleteSegment: Database.Statement;
  private readonly upsertSurvivor: Database.Statement;
  private readonly deleteSurvivor: Database.Statement;
  private readonly selectSegment: Database.Statement;
  private readonly writeAll: (batch: Batch) => void;
  private readonly checkpoints = {
    writtenSince: 0,
    running: false,
    worker: undefined as Worker | undefined,
    closed: undefined as Int32Array | undefined,
  };

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insertSegment = db.prepare('INSERT INTO segments (topic, partition, base_offset, last_offset, payload) VALUES (?, ?, ?, ?, ?)');
    this.upsertStart = db.prepare(
      'INSERT INTO partition_starts (topic, partition, first_offset) VALUES (?, ?, ?) ' +
        'ON CONFLICT (topic, partition) DO UPDATE SET first_offset = excluded.first_offset',
    );
    this.upsertOffset = db.prepare(
      'INSERT INTO group_offsets (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset',
    );
    this.deleteSegment = db.prepare('DELETE FROM segments WHERE seq = ?');
    this.upsertSurvivor = db.prepare(
      'INSERT OR REPLACE INTO compacted (topic, key_id, partition, offset, key, value, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.deleteSurvivor = db.prepare('DELETE FROM compacted WHERE topic = ? AND key_id = ?');
    this.selectSegment = db.prepare('SELECT base_offset, payload FROM segments WHERE seq = ?');
    // The segment index follows the writes inside the transaction; if it throws, the bus stops writing
    // (EmbeddedBus treats a failed write as fatal), so the index never outlives a rolled-back change.
    this.writeAll = db.transaction((batch: Batch) => {
      for (const run of batch.segments) {
        if (run.length === 0) continue;
        const topic = this.topicId(run[0].topic);
        const last = Number(run.at(-1)?.offset);
        const payload = encodeSegment(run);
        this.checkpoints.writtenSince += payload.length;
        const { lastInsertRowid } = this.insertSegment.run(topic, run[0].partition, Number(run[0].offset), last, payload);
        this.segmentsOf(topic, run[0].partition).push({ seq: Number(lastInsertRowid), last });
      }
      for (const o of batch.offsets) this.upsertOffset.run(o.groupId, o.topic, o.partition, o.next);
      for (const trim of batch.trims) this.applyTrim(trim);
    });
  }

  /** Opens (creating if needed) `<dataDir>/bus.sqlite`; an unreadable file throws EmbeddedBusStorageError. */
  static open(dataDir: string): EmbeddedLogStore {
    const file = busDatabasePath(dataDir);
    mkdirSync(dataDir, { recursive: true });
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused the WAL journal (got "${String(mode)}")`);
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.exec(SCHEMA);
      return new EmbeddedLogStore(db, file);
    } catch (err) {
      db?.close();
      throw new EmbeddedBusStorageError(file, err);
    }
  }

  /** Everything the database holds, oldest first per partition. */
  load(): StoredState {
    try {
      const topics = readTopics(this.db, undefined, (topic, partition, segment) => this.segmentsOf(topic, partition).push(segment));
      for (const { row } of topics) this.topicIds.set(row.name, row.id);
      const committed = new Map<string, Map<string, number>>();
      const offsetRows = this.db.prepare('SELECT group_id, topic, partition, next_offset FROM group_offsets').all() as Array<{
        group_id: string;
        topic: string;
        partition: number;
        next_offset: number;
      }>;
      for (const row of offsetRows) {
        let group = committed.get(row.group_id);
        if (group === undefined) {
          group = new Map();
          committed.set(row.group_id, group);
        }
        group.set(`${row.topic}/${row.partition}`, row.next_offset);
      }
      return { topics: topics.map((t) => t.topic), committed };
    } catch (err) {
      throw new EmbeddedBusStorageError(this.file, err);
    }
  }

  /** One topic as the database holds it (what load() gives of it), for a topic the bus keeps on disk only. */
  readTopic(name: string): StoredTopic {
    try {
      const stored = readTopics(this.db, name)[0]?.topic;
      if (stored === undefined) throw new Error(`unknown topic "${name}"`);
      return stored;
    } catch (err) {
      throw new EmbeddedBusStorageError(this.file, err);
    }
  }

  /** The stored messages of one partition from offset `from` (inclusive) to `to` (exclusive), oldest first. */
  readRange(name: string, partition: number, from: number, to: number): BusMessage[] {
    const messages: BusMessage[] = [];
    for (const { seq, last } of this.segmentsOf(this.topicId(name), partition)) {
      if (last < from) continue;
      const row = this.selectSegment.get(seq) as { base_offset: number; payload: Buffer } | undefined;
      if (row === undefined || row.base_offset >= to) break;
      for (const message of decodeSegment(name, partition, row.base_offset, row.payload)) {
        const offset = Number(message.offset);
        if (offset >= from && offset < to) messages.push(message);
      }
    }
    return messages;
  }

  /** Records a topic's spec (a restarted bus re-creates its topics from it before anyone calls ensureTopics). */
  saveTopic(spec: TopicSpec): void {
    const config = JSON.stringify(spec.config);
    const id = this.topicIds.get(spec.name);
    if (id === undefined) {
      const result = this.db.prepare('INSERT INTO topics (name, partitions, config) VALUES (?, ?, ?)').run(spec.name, spec.partitions, config);
      this.topicIds.set(spec.name, Number(result.lastInsertRowid));
    } else {
      this.db.prepare('UPDATE topics SET partitions = ?, config = ? WHERE id = ?').run(spec.partitions, config, id);
    }
  }

  /** Writes a batch in ONE transaction: all of it is durable, or (after a throw) none of it. */
  writeBatch(batch: Batch): void {
    this.writeAll(batch);
    if (this.checkpoints.writtenSince >= CHECKPOINT_EVERY_BYTES) this.checkpointInBackground();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Closes the checkpointer's connection first (waiting for the checkpoint it runs), then the writer's, which checkpoints what is left. */
  close(): void {
    const { worker, closed } = this.checkpoints;
    this.checkpoints.worker = undefined;
    if (worker !== undefined && closed !== undefined) {
      worker.postMessage('close');
      Atomics.wait(closed, 0, 0, CHECKPOINTER_CLOSE_WAIT_MS);
    }
    if (this.db.open) this.db.close();
  }

  /** Starts a checkpoint on the worker thread (started on first need), unless one is running. */
  private checkpointInBackground(): void {
    const state = this.checkpoints;
    if (state.running || !this.db.open) return;
    state.writtenSince = 0;
    if (state.worker === undefined) {
      const closed = new Int32Array(new SharedArrayBuffer(4));
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { driver, file: this.file, closed: closed.buffer } });
      // Not a reason to keep the process alive: close() ends it, and the writer's own checkpoint bounds the WAL without it.
      worker.unref();
      worker.on('message', (answer: { error?: string }) => {
        state.running = false;
        if (answer.error !== undefined) this.stopCheckpointer(worker, answer.error);
      });
      worker.on('error', (err) => this.stopCheckpointer(worker, err.message));
      worker.on('exit', () => Atomics.store(closed, 0, 1));
      state.worker = worker;
      state.closed = closed;
    }
    state.running = true;
    state.worker.postMessage('checkpoint');
  }

  /** A checkpointer that failed is not restarted: the writer's automatic checkpoint goes back to SQLite's default. */
  private stopCheckpointer(worker: Worker, reason: string): void {
    if (this.checkpoints.worker !== worker) return;
    this.checkpoints.worker = undefined;
    this.checkpoints.running = true; // never again
    void worker.terminate();
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    process.emitWarning(`the embedded bus' background checkpointer stopped (${reason}): ${this.file} is checkpointed by its writer from now on`);
  }

  private applyTrim(trim: Trim): void {
    const topic = this.topicId(trim.topic);
    const segments = this.segmentsOf(topic, trim.partition);
    let gone = 0;
    while (gone < segments.length && segments[gone].last < trim.firstOffset) this.deleteSegment.run(segments[gone++].seq);
    segments.splice(0, gone);
    this.upsertStart.run(topic, trim.partition, trim.firstOffset);
    for (const m of trim.survivors) {
      this.upsertSurvivor.run(topic, compactionKey(m.key), m.partition, Number(m.offset), m.key, m.value, m.timestamp);
    }
    for (const keyId of trim.deletedKeys) this.deleteSurvivor.run(topic, keyId);
  }

  private segmentsOf(topic: number, partition: number): SegmentRef[] {
    const id = `${topic}/${partition}`;
    let segments = this.segmentIndex.get(id);
    if (segments === undefined) {
      segments = [];
      this.segmentIndex.set(id, segments);
    }
    return segments;
  }

  private topicId(name: string): number {
    const id = this.topicIds.get(name);
    if (id === undefined) throw new Error(`topic "${name}" is not in ${this.file}`);
    return id;
  }
}

/**
 * What `readTopic` would return from the bus of `dataDir`: the compacted
 * survivors whose key has no retained message, then the retained messages,
 * each oldest first per partition. Opens the database read-only, which WAL
 * allows while a server is writing it (tests and tools).
 */
export function readEmbeddedTopic(dataDir: string, topic: string): BusMessage[] {
  const file = busDatabasePath(dataDir);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new EmbeddedBusStorageError(file, err);
  }
  try {
    // One read transaction: a consistent snapshot even while a server commits.
    const found = db.transaction(() => readTopics(db, topic))();
    const stored = found[0]?.topic;
    if (stored === undefined) throw new Error(`unknown topic "${topic}" in ${file}`);
    return visibleMessages(stored.partitions, stored.compacted);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('unknown topic')) throw err;
    throw new EmbeddedBusStorageError(file, err);
  } finally {
    db.close();
  }
}

/**
 * A topic as readers see it: the compacted survivors whose key has no newer
 * (retained) message, then the retained messages; each oldest first per
 * partition. Shared by EmbeddedBus.readTopic and readEmbeddedTopic so they
 * cannot disagree.
 */
export function visibleMessages(
  partitions: ReadonlyArray<{ readonly messages: readonly BusMessage[] }>,
  compacted: Iterable<BusMessage>,
): BusMessage[] {
  const retained = partitions.flatMap((log) => [...log.messages]);
  const liveKeys = new Set(retained.map((m) => compactionKey(m.key)));
  const survivors = [...compacted].filter((m) => !liveKeys.has(compactionKey(m.key)));
  survivors.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  return [...survivors, ...retained];
}

function readTopics(
  db: Database.Database,
  only?: string,
  onSegment?: (topic: number, partition: number, segment: SegmentRef) => void,
): Array<{ row: TopicRow; topic: StoredTopic }> {
  const rows = (
    only === undefined
      ? db.prepare('SELECT id, name, partitions, config FROM topics ORDER BY id').all()
      : db.prepare('SELECT id, name, partitions, config FROM topics WHERE name = ?').all(only)
  ) as TopicRow[];
  const selectStarts = db.prepare('SELECT partition, first_offset FROM partition_starts WHERE topic = ?');
  const selectCompacted = db.prepare('SELECT partition, offset, key, value, timestamp FROM compacted WHERE topic = ? ORDER BY partition, offset');
  const topics = new Map<number, { row: TopicRow; starts: number[]; logs: BusMessage[][] }>();
  for (const row of rows) {
    const starts: number[] = Array.from({ length: row.partitions }, () => 0);
    for (const start of selectStarts.all(row.id) as Array<{ partition: number; first_offset: number }>) starts[start.partition] = start.first_offset;
    topics.set(row.id, { row, starts, logs: Array.from({ length: row.partitions }, () => []) });
  }
  // One pass in sequence order, which is each partition's offset order.
  const selectSegments =
    only === undefined
      ? db.prepare('SELECT seq, topic, partition, base_offset, last_offset, payload FROM segments ORDER BY seq')
      : db.prepare('SELECT seq, topic, partition, base_offset, last_offset, payload FROM segments WHERE topic = ? ORDER BY seq');
  const segments = (only === undefined ? selectSegments.iterate() : selectSegments.iterate(rows[0]?.id ?? -1)) as IterableIterator<{
    seq: number;
    topic: number;
    partition: number;
    base_offset: number;
    last_offset: number;
    payload: Buffer;
  }>;
  for (const segment of segments) {
    const topic = topics.get(segment.topic);
    if (topic === undefined) throw new Error(`a segment belongs to no topic (id ${segment.topic})`);
    const { row, starts, logs } = topic;
    const log = logs[segment.partition];
    if (log === undefined) throw new Error(`topic "${row.name}" has a message in partition ${segment.partition} of ${row.partitions}`);
    onSegment?.(segment.topic, segment.partition, { seq: segment.seq, last: segment.last_offset });
    for (const message of decodeSegment(row.name, segment.partition, segment.base_offset, segment.payload)) {
      if (Number(message.offset) < starts[segment.partition]) continue;
      const previous = log.at(-1);
      const expected = previous === undefined ? starts[segment.partition] : Number(previous.offset) + 1;
      if (Number(message.offset) !== expected) {
        throw new Error(`topic "${row.name}" partition ${segment.partition} jumps from offset ${expected - 1} to ${message.offset}`);
      }
      log.push(message);
    }
  }
  return [...topics.values()].map(({ row, starts, logs }) => {
    const spec: TopicSpec = { name: row.name, partitions: row.partitions, config: JSON.parse(row.config) as Record<string, string> };
    const partitions = logs.map((messages, partition) => ({ firstOffset: starts[partition], messages }));
    const compacted = (selectCompacted.all(row.id) as MessageRow[]).map(
      (m): BusMessage => ({ topic: row.name, partition: m.partition, offset: String(m.offset), key: m.key, value: m.value, timestamp: m.timestamp }),
    );
    return { row, topic: { spec, partitions, compacted } };
  });
}

/**
 * Where segments are encoded: one buffer, reused, since SQLite copies a blob when it is bound
 * (better-sqlite3 binds with SQLITE_TRANSIENT) — a new buffer of tens of kB per transaction was
 * garbage the moment the row was inserted. Grown as a segment needs, up to SCRATCH_MAX_BYTES: a
 * larger segment (a restore, a catch-up) gets a buffer of its own, so one big transaction does
 * not pin its size for the life of the process.
 */
const SCRATCH_MAX_BYTES = 1024 * 1024;
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * Per message: timestamp (float64), key length (int32, -1 for null), key, value length (int32, -1 for null), value;
 * little-endian. The result is a view of the shared scratch buffer: valid until the next call.
 */
function encodeSegment(messages: readonly BusMessage[]): Buffer {
  let size = 0;
  for (const m of messages) size += 16 + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  if (size > scratch.length && size <= SCRATCH_MAX_BYTES)
    scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX_BYTES, Math.max(size, 2 * scratch.length)));
  const out = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
  let at = 0;
  for (const m of messages) {
    at = out.writeDoubleLE(m.timestamp, at);
    at = writeBytes(out, at, m.key);
    at = writeBytes(out, at, m.value);
  }
  return out.subarray(0, size);
}

function writeBytes(out: Buffer, at: number, bytes: Buffer | null): number {
  const next = out.writeInt32LE(bytes === null ? -1 : bytes.length, at);
  return bytes === null ? next : next + bytes.copy(out, next);
}

function decodeSegment(topic: string, partition: number, baseOffset: number, payload: Buffer): BusMessage[] {
  const messages: BusMessage[] = [];
  let at = 0;
  const bytes = (): Buffer | null => {
    const length = payload.readInt32LE(at);
    at += 4;
    if (length === -1) return null;
    if (length < 0 || at + length > payload.length) throw new Error(`a segment of topic "${topic}" partition ${partition} is truncated`);
    // A copy: a message must not keep its whole segment alive once the others are trimmed.
    const slice = Buffer.from(payload.subarray(at, at + length));
    at += length;
    return slice;
  };
  while (at < payload.length) {
    const timestamp = payload.readDoubleLE(at);
    at += 8;
    const key = bytes();
    const value = bytes();
    messages.push({ topic, partition, offset: String(baseOffset + messages.length), key, value, timestamp });
  }
  return messages;
}
