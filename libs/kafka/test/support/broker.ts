/**
 * One real broker for this project's test files: KAFKA_BROKERS when set, else
 * a fresh one from tools/kafka, stopped after the run. Without Java or Maven
 * brokerForTests prints a loud SKIPPING banner (and throws when CI is set);
 * the tests then see an empty bootstrap and skip.
 */
import type { TestProject } from 'vitest/node';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** "host:port", or '' when this machine cannot run a broker. */
    kafkaBootstrap: string;
  }
}

export default async function startBroker(project: TestProject): Promise<() => Promise<void>> {
  const broker = await brokerForTests();
  project.provide('kafkaBootstrap', broker?.bootstrap ?? '');
  return async () => {
    await broker?.stop();
  };
}
