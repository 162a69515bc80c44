import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createKafkaClient, createProducer, ensureTopics } from '@banana-market/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { brokerForTests, type TestBroker } from '../broker.mjs';

let broker: TestBroker | undefined;

beforeAll(async () => {
  broker = await brokerForTests();
});
afterAll(async () => {
  await broker?.stop();
});

it('starts a broker that kafkajs produces to and consumes from, and frees its port when stopped', async (ctx) => {
  if (broker === undefined) return ctx.skip('no Java or Maven on this machine (see the message above)');
  const kafka = createKafkaClient({ clientId: 'broker-test', brokers: [broker.bootstrap] });
  const topic = `broker-test-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ name: topic, partitions: 8 }]);
  await admin.disconnect();

  const producer = createProducer(kafka);
  await producer.connect();
  const [sent] = await producer.send({ topic, messages: [{ key: '{"team":"BONOBO","name":"alice"}', value: '{"shares":1}' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received = await new Promise<{ partition: number; key?: string; value?: string }>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => resolve({ partition, key: message.key?.toString(), value: message.value?.toString() }),
    });
  });
  await consumer.disconnect();
  expect(received).toEqual({ partition: sent.partition, key: '{"team":"BONOBO","name":"alice"}', value: '{"shares":1}' });

  // A broker given by KAFKA_BROKERS belongs to someone else: stop() leaves it running.
  if (broker.pid === undefined) return;
  const { dir } = broker as TestBroker & { dir: string };
  await broker.stop();
  expect(() => process.kill(broker!.pid!, 0)).toThrow();
  expect(existsSync(dir)).toBe(false);
  await expect(listensOn(Number(broker.bootstrap.split(':')[1]))).resolves.toBe(true);
});

/** Whether this process can listen on the port, i.e. nobody else holds it. */
function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
