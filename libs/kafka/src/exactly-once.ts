/**
 * `@banana-market/kafka/exactly-once`: exactly-once task groups on
 * @platformatic/kafka (Kafka Streams' exactly_once_v2): the member's clients,
 * its transactional writer and the group's stable committed offsets.
 */
export { brokerErrorIds, FetchIsolationLevels, type Admin, type Consumer, type PlatformaticMessage, type Producer } from './platformatic.js';
export {
  ExactlyOnceWriter,
  memberTransactionalId,
  TakeFailedError,
  type CommittedRecord,
  type ExactlyOnceWriterOptions,
  type HangingOutcome,
  type HangingPartition,
  type OwnedMessage,
} from './exactly-once-writer.js';
export { coPartitionedGroupAssigner } from './co-partitioned-assigner.js';
export {
  initTransactions,
  memberClients,
  memberProducer,
  settledTransactions,
  stuckTransactions,
  stableCommittedOffsets,
  type MemberClientOptions,
  type MemberClients,
} from './exactly-once-member.js';
