import type { StreamRecord } from './records.js';
import type { KeyValueStore } from './stores.js';

export interface ProcessorContext<K, V> {
  forward(record: StreamRecord<K, V>): void;
  /** Only the stores named when the processor was added with process(…, ...storeNames). */
  getStateStore<SK, SV>(name: string): KeyValueStore<SK, SV>;
  /** The largest timestamp the topology has seen (-1 before the first record). */
  readonly streamTimeMs: number;
}

export interface Processor<KIn, VIn, KOut, VOut> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}
