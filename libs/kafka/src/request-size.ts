/**
 * Produce requests the broker accepts. A client puts all of a request's
 * records for one partition into one record batch, and the broker refuses a
 * batch over the topic's max.message.bytes (1 MiB by default) whole, with
 * MESSAGE_TOO_LARGE — which no retry mends: a large backlog (a flood of
 * garbage and its dead letters, a restart after a while, an hour of history
 * caught up) would hit it again at every retry. Kafka's own producer splits at
 * batch.size (16 KiB); here a request carries at most MAX_BATCH_BYTES for any
 * one partition, and a usual write is still one request. The exactly-once
 * writer, the sending writer and the streams runner all cut their writes here.
 */

/** The most one request carries for one partition (keys, values, headers and a record's framing): well under 1 MiB. */
export const MAX_BATCH_BYTES = 512 * 1024;
/** A record's framing in a batch, counted generously (varints, attributes, the headers' count). */
const RECORD_OVERHEAD_BYTES = 32;
/** A header's framing besides its name and value. */
const HEADER_OVERHEAD_BYTES = 8;

type Bytes = Buffer | string | null | undefined;

/** What recordBytes measures of a message: the fields every client's message has. */
export interface SizedMessage {
  readonly key?: Bytes;
  readonly value?: Bytes;
  readonly headers?: object;
}

/** A record's bytes in a batch, bounded from above. */
export function recordBytes(message: SizedMessage): number {
  let headers = 0;
  for (const [name, value] of Object.entries(message.headers ?? {}))
    headers += Buffer.byteLength(name) + byteLength(value as Bytes) + HEADER_OVERHEAD_BYTES;
  return byteLength(message.key) + byteLength(message.value) + headers + RECORD_OVERHEAD_BYTES;
}

/**
 * The items in order, cut into runs in which no place (a partition; a topic
 * when the client picks the partition) gets more than `maxBytes`: one request
 * each, sent one after the other so that every partition keeps its order. An
 * item larger than that goes in a run of its own.
 */
export function inRequestSizedRuns<T>(
  items: readonly T[],
  bytesOf: (item: T) => number,
  placeOf: (item: T) => string = () => '',
  maxBytes = MAX_BATCH_BYTES,
): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  const bytes = new Map<string, number>();
  for (const item of items) {
    const size = bytesOf(item);
    const place = placeOf(item);
    if (run.length > 0 && (bytes.get(place) ?? 0) + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes.clear();
    }
    run.push(item);
    bytes.set(place, (bytes.get(place) ?? 0) + size);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A record on its way to a topic whose partition the client picks from the key. */
export interface TopicRecord<M> {
  readonly topic: string;
  readonly message: M;
}

/** Records cut into requests (inRequestSizedRuns): the client picks each keyed record's partition, so a topic's bytes bound each of its partitions'. */
export function inTopicRequestRuns<R extends TopicRecord<SizedMessage>>(records: readonly R[]): R[][] {
  return inRequestSizedRuns(
    records,
    (record) => recordBytes(record.message),
    (record) => record.topic,
  );
}

/** Records grouped per topic in their order, as a client's sendBatch takes them. */
export function groupedByTopic<M>(records: readonly TopicRecord<M>[]): { topic: string; messages: M[] }[] {
  const grouped = new Map<string, M[]>();
  for (const { topic, message } of records) {
    const messages = grouped.get(topic);
    if (messages === undefined) grouped.set(topic, [message]);
    else messages.push(message);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}

function byteLength(data: Bytes): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
