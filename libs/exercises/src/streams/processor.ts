import type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';
import type { StreamRecord } from './records.js';
import type { KeyValueStore } from './stores.js';

export interface ProcessorContext<K, V> {
  forward(record: StreamRecord<K, V>): void;
  /** Only the stores named when the processor was added with process(…, ...storeNames). */
  getStateStore<SK, SV>(name: string): KeyValueStore<SK, SV>;
  /** The largest timestamp the topology has seen (-1 before the first record). */
  readonly streamTimeMs: number;
  /**
   * Kafka's ProcessorContext#schedule: calls `punctuator(timestamp)` every
   * `intervalMs` (1 or more) of stream time or of wall-clock time, usually
   * from init(), with the time that made it fire. STREAM_TIME is on a grid
   * from 0: it fires at the first record, then whenever stream time reaches
   * the next multiple of the interval; WALL_CLOCK_TIME on a grid from when it
   * was scheduled. After a gap it fires once, not once per interval skipped.
   * What the punctuator forwards goes downstream like a record's output.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
}

export interface Processor<KIn, VIn, KOut, VOut> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}
