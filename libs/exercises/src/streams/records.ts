/** One record as the DSL sees it: its timestamp is its event time (ms since epoch). */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
}

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

export const KeyValue = Object.freeze({
  pair<K, V>(key: K, value: V): KeyValue<K, V> {
    return { key, value };
  },
});
