/**
 * @banana-market/kafka: the project's one home for its Kafka clients. Here:
 * kafkajs with the project's defaults, topic creation that checks partition
 * counts, reading topics to their end, waiting for a group join, the
 * server's sending writer, retries (p-retry) and logging; other packages import
 * kafkajs' names from here. `@banana-market/kafka/exactly-once`: task groups
 * exactly-once on @platformatic/kafka (the game server's hot path).
 */
export { BULK_FETCH_MIN_BYTES, createKafkaClient, createProducer, FETCH_MAX_WAIT_MS, type KafkaClientOptions } from './client.js';
export { logCreatorFor, type KafkaLogger } from './logging.js';
export { withRetry, retryRetriable, isRetriable, withinTime, type RetryOptions, type RetryContext } from './retry.js';
export { ensureTopics, type TopicSpec, type EnsureTopicsOptions } from './topics.js';
export { readToEnd, type ReadToEndOptions, type ConsumedMessage } from './read-to-end.js';
export { waitForGroupJoin, type GroupJoinOptions } from './group-join.js';
export { TopicFollower, DEFAULT_FOLLOW_REFRESH_MS, type FollowedMessage, type TopicFollowerOptions } from './topic-follower.js';
export { brokerErrorText, isBrokerLoss, probeBrokers, type ProbeOptions } from './broker-health.js';
export { partitionForKey } from './partitioner.js';
export { coPartitionedAssignment, CO_PARTITIONED_ASSIGNER_NAME } from './co-partitioned-assigner.js';
export { SendingWriter } from './sending-writer.js';
export { groupedByTopic, inRequestSizedRuns, inTopicRequestRuns, MAX_BATCH_BYTES, recordBytes, type TopicRecord } from './request-size.js';
export { kafkajsSasl, platformaticSasl, saslFromEnv, SASL_MECHANISMS, type SaslCredentials, type SaslMechanism } from './sasl.js';
export { isOrderSignature, orderSignature, ServerRecordSignature } from './record-signatures.js';
export { grantPlayerAccess, limitPlayerClients, playerAcls, type PlayerAccessRules } from './player-access.js';
export * from './kafkajs.js';
