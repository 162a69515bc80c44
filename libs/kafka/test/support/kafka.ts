/** The shared broker of test/support/broker.ts, and a client and admin on it for one test file. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createKafkaClient, type Admin, type Kafka } from '../../src/index.js';

export const bootstrap = inject('kafkaBootstrap');
export const noBroker = bootstrap === '';

/** Topic and group names of their own per run, in case KAFKA_BROKERS points at a broker earlier runs used. */
export const uniqueName = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

export interface KafkaForTests {
  readonly kafka: Kafka;
  readonly admin: Admin;
}

/** Call inside a describe: connects an admin before its tests, disconnects it after. */
export function useKafka(): KafkaForTests {
  const kafka = createKafkaClient({ clientId: 'kafka-lib-tests', brokers: [bootstrap] });
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());
  return { kafka, admin };
}
