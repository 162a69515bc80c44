/**
 * The kafkajs names callers need, so that no other package imports kafkajs.
 * kafkajs is CommonJS and Node's ESM loader does not detect all of its named
 * exports (ConfigResourceTypes, for one), so values come off the default export.
 */
import kafkajs from 'kafkajs';
import type { ConfigResourceTypes as ConfigResourceTypesEnum, logLevel as LogLevelEnum } from 'kafkajs';

export const logLevel = kafkajs.logLevel;
export type logLevel = LogLevelEnum;
export const ConfigResourceTypes = kafkajs.ConfigResourceTypes;
export type ConfigResourceTypes = ConfigResourceTypesEnum;
export const Partitioners = kafkajs.Partitioners;
export const AssignerProtocol = kafkajs.AssignerProtocol;

export type {
  Admin,
  Consumer,
  ConsumerConfig,
  Assigner,
  PartitionAssigner,
  EachBatchPayload,
  EachMessagePayload,
  Kafka,
  KafkaMessage,
  LogEntry,
  Message,
  Producer,
  ProducerConfig,
  TopicMessages,
  TopicOffsets,
  Transaction,
} from 'kafkajs';
