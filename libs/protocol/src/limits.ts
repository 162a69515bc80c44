/**
 * Input limits of the wire protocol. They bound what a single message can ask
 * for so that a typo (or a hostile client) cannot push numbers past what a
 * double represents exactly, or make the server parse megabytes of JSON.
 */
export const PROTOCOL_LIMITS = Object.freeze({
  /** Largest accepted encoded key or value, in bytes (UTF-8). */
  maxMessageBytes: 16 * 1024,
  /**
   * A dead letter keeps at most this many raw bytes of the key and of the
   * value: enough to show what a bot sent, small enough to stay far below
   * Kafka's default 1 MB message limit whatever arrived.
   */
  maxDeadLetterRawBytes: 16 * 1024,
  /** Largest dead letter (two base64-encoded raw parts plus the reason). */
  maxDeadLetterBytes: 64 * 1024,
  /** Largest share count in one market order or monkeys in one feeding. */
  maxUnitsPerAction: 1_000_000_000,
  /** Largest coin amount in one investment. */
  maxCoinsPerAction: 1_000_000_000_000,
  maxTxnIdLength: 128,
  maxGibbLength: 280,
  maxGibbIdLength: 128,
  teamPattern: /^[A-Za-z0-9_-]{1,32}$/,
  namePattern: /^[A-Za-z0-9_.-]{1,64}$/,
});
