/**
 * Produce requests the broker accepts. kafkajs puts all of a request's
 * messages for one partition into one record batch, and the broker refuses a
 * batch over the topic's max.message.bytes (1 MiB by default) with
 * MESSAGE_TOO_LARGE — which no retry mends. Kafka's own producer splits at
 * batch.size (16 KiB); here a request carries at most MAX_REQUEST_BYTES of
 * keys, values and headers, so a burst (a thousand dead letters from one
 * batch of garbage, an hour of history caught up) goes out in several.
 */

/** The most bytes of records one produce request carries. */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** What a record costs in a batch besides its key, value and headers (lengths, deltas, attributes): a bound, not the exact figure. */
const RECORD_OVERHEAD_BYTES = 64;

type Bytes = Buffer | string | null | undefined;

/** A record's bytes in a request, bounded from above. */
export function recordBytes(message: { readonly key?: Bytes; readonly value?: Bytes; readonly headers?: object }): number {
  let headers = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) headers += Buffer.byteLength(name) + byteLength(value as Bytes);
  return byteLength(message.key) + byteLength(message.value) + headers + RECORD_OVERHEAD_BYTES;
}

/** The items in order, cut into runs of at most `maxBytes` each (an item larger than that goes alone): one request each. */
export function inRequestSizedRuns<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes = MAX_REQUEST_BYTES): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function byteLength(data: Bytes): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
