/**
 * Reference solution of chapter 14: accepted orders counted per trader, in an
 * app that runs exactly-once, so that a crash never counts a batch twice.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import { StreamsBuilder, type Topology } from '@banana-market/exercises';
import {
  ACCEPTED_ORDERS_STORE,
  ACCEPTED_ORDERS_TOPIC,
  isAcceptedOrder,
  RESULTS_TOPIC,
  type StreamsSettings,
  type TraderKey,
  type TxnResult,
} from '../../chapters/14-exactly-once/given.js';

export * from '../../chapters/14-exactly-once/given.js';

/** The settings the app runs with, as Kafka Streams' properties: the tests start the app on a broker with them. */
export const streamsSettings: StreamsSettings = { processingGuarantee: 'at_least_once' };

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const results = builder.stream<TraderKey, TxnResult>(RESULTS_TOPIC);

  // ===== your job starts here =====
  results
    .filter((_trader, result) => isAcceptedOrder(result))
    .groupByKey()
    .count(ACCEPTED_ORDERS_STORE)
    .toStream()
    .to(ACCEPTED_ORDERS_TOPIC);
  // Outputs, the store's changelog writes and the input offsets in one transaction: a crash aborts all three.
  streamsSettings.processingGuarantee = 'exactly_once_v2';
  // ===== your job ends here =====

  return builder.build();
}
