#!/usr/bin/env node
/**
 * Does kafkajs work with this Apache Kafka release? Runs, against a real
 * broker, every kind of request the game makes and prints one line per step
 * with the error when one fails. This is how the default KAFKA_VERSION was
 * chosen (tools/kafka/README.md); rerun it before moving the default.
 *
 *   KAFKA_VERSION=4.4.0 node tools/kafka/verify-kafkajs.mjs      start a broker of that release
 *   node tools/kafka/verify-kafkajs.mjs 127.0.0.1:9092           use a running broker
 *
 * Exits 1 when a step failed.
 */
import kafkajs from 'kafkajs';
import { fileURLToPath } from 'node:url';
import { kafkaVersion, startBroker } from './broker.mjs';

const { Kafka, Partitioners, logLevel } = kafkajs;
const STEP_TIMEOUT_MS = 30_000;
const KEYS = 20;
const MESSAGES_PER_KEY = 10;

/** Runs the checks on `bootstrap`; resolves to [{ step, ok, error? }]. */
export async function verifyKafkajs(bootstrap) {
  const kafka = new Kafka({ clientId: 'verify-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const suffix = Date.now().toString(36);
  const orders = `verify-orders-${suffix}`;
  const states = `verify-states-${suffix}`;
  const group = `verify-group-${suffix}`;
  const results = [];
  const step = async (name, fn) => {
    try {
      await withTimeout(fn(), name);
      results.push({ step: name, ok: true });
      return true;
    } catch (err) {
      results.push({ step: name, ok: false, error: describe(err) });
      return false;
    }
  };

  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  try {
    await step('admin: connect + describeCluster (Metadata, ApiVersions)', async () => {
      await admin.connect();
      const { brokers, controller } = await admin.describeCluster();
      check(brokers.length === 1, `expected 1 broker, got ${brokers.length}`);
      check(controller !== null, 'no controller id');
    });
    const created = await step('admin: createTopics, 8 partitions, one compacted (CreateTopics)', async () => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: orders, numPartitions: 8 },
          { topic: states, numPartitions: 8, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      });
    });
    if (!created) return results;
    await step('admin: listTopics + fetchTopicMetadata + describeConfigs', async () => {
      const names = await admin.listTopics();
      check(names.includes(orders) && names.includes(states), `listTopics lacks the new topics: ${names.join(', ')}`);
      const { topics } = await admin.fetchTopicMetadata({ topics: [orders, states] });
      for (const t of topics) check(t.partitions.length === 8, `${t.name} has ${t.partitions.length} partitions, expected 8`);
      const config = await admin.describeConfigs({
        resources: [{ type: 2 /* TOPIC */, name: states, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      const policy = config.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
      check(policy === 'compact', `${states} cleanup.policy is ${policy}, expected compact`);
    });

    const sent = [];
    await step('producer: idempotent keyed send, murmur2 partitioner (InitProducerId, Produce)', async () => {
      await producer.connect();
      const partitionOf = new Map();
      for (let i = 0; i < MESSAGES_PER_KEY; i += 1) {
        const messages = Array.from({ length: KEYS }, (_, k) => ({ key: JSON.stringify({ team: 'T', name: `trader${k}` }), value: `${i}` }));
        const answers = await producer.send({ topic: orders, acks: -1, messages });
        check(answers.length > 0, 'send returned no partition metadata');
        sent.push(...messages);
      }
      await producer.send({
        topic: states,
        messages: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      });
      // The same key must always land in the same partition.
      const probe = await producer.send({ topic: orders, messages: [{ key: 'same', value: 'x' }] });
      const again = await producer.send({ topic: orders, messages: [{ key: 'same', value: 'y' }] });
      partitionOf.set('same', probe[0].partition);
      check(again[0].partition === partitionOf.get('same'), 'one key went to two partitions');
      sent.push({ key: 'same', value: 'x' }, { key: 'same', value: 'y' });
    });

    const consumed = await step('consumer group: 2 members join/sync/heartbeat, read all, order per key, commitOffsets', async () => {
      await consumeWithTwoMembers(kafka, { topic: orders, group, expected: sent });
    });
    await step('admin: fetchOffsets (OffsetFetch) == fetchTopicOffsets (ListOffsets)', async () => {
      check(consumed, 'needs the consumer-group step');
      const ends = await admin.fetchTopicOffsets(orders);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [orders] });
      for (const end of ends) {
        const mine = committed.partitions.find((p) => p.partition === end.partition);
        // A partition that got no message has nothing committed (-1).
        check(mine?.offset === (end.high === '0' ? '-1' : end.high), `partition ${end.partition}: committed ${mine?.offset}, end ${end.high}`);
      }
    });
    await step('admin: listGroups + describeGroups', async () => {
      const { groups } = await admin.listGroups();
      check(
        groups.some((g) => g.groupId === group),
        `listGroups lacks ${group}`,
      );
      const { groups: described } = await admin.describeGroups([group]);
      check(described[0]?.groupId === group && described[0].state === 'Empty', `describeGroups: ${JSON.stringify(described[0])}`);
    });
    await step('transactions: send + sendOffsets + commit, abort; read_committed sees only the commit', async () => {
      await verifyTransactions(kafka, { topic: states, group });
    });
    await step('admin: deleteGroups + deleteTopics', async () => {
      await admin.deleteGroups([group, `${group}-txn`]);
      await admin.deleteTopics({ topics: [orders, states] });
    });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return results;
}

async function consumeWithTwoMembers(kafka, { topic, group, expected }) {
  const received = [];
  const highest = [new Map(), new Map()];
  const heartbeats = [0, 0];
  const members = [0, 1].map((i) => kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 }));
  const assigned = [0, 0];
  try {
    for (const [i, consumer] of members.entries()) {
      consumer.on(consumer.events.HEARTBEAT, () => (heartbeats[i] += 1));
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assigned[i] = Object.values(payload.memberAssignment).flat().length;
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push({ key: message.key.toString(), value: message.value.toString() });
          highest[i].set(partition, message.offset);
        },
      });
    }
    await until(
      () => received.length >= expected.length && heartbeats.every((n) => n > 0) && assigned.every((n) => n > 0),
      'both members consuming with heartbeats',
      () => `received ${received.length}/${expected.length}, heartbeats ${heartbeats}, partitions ${assigned}`,
    );
    // Before the second member joined, the first may have read some messages that
    // its new partner then re-read from the beginning (nothing was committed yet).
    const unique = new Map();
    for (const m of received) unique.set(`${m.key}/${m.value}`, m);
    check(unique.size === expected.length, `read ${unique.size} distinct messages, expected ${expected.length}`);
    const byKey = new Map();
    for (const m of received) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.value]);
    for (const [key, list] of byKey) {
      const values = [...new Set(list)];
      const wanted = expected.filter((m) => m.key === key).map((m) => m.value);
      check(values.join() === wanted.join(), `key ${key}: order ${values} instead of ${wanted}`);
    }
    for (const [i, consumer] of members.entries()) {
      const offsets = [...highest[i]].map(([partition, offset]) => ({ topic, partition, offset: String(BigInt(offset) + 1n) }));
      if (offsets.length > 0) await consumer.commitOffsets(offsets);
    }
  } finally {
    for (const consumer of members) await consumer.disconnect().catch(() => undefined);
  }
}

async function verifyTransactions(kafka, { topic, group }) {
  const producer = kafka.producer({ transactionalId: `verify-txn-${Date.now()}`, idempotent: true, maxInFlightRequests: 1 });
  const reader = kafka.consumer({ groupId: `${group}-txn`, maxWaitTimeInMs: 100 });
  try {
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ key: 'txn', value: 'committed' }] });
    await committed.sendOffsets({ consumerGroupId: `${group}-txn`, topics: [{ topic, partitions: [{ partition: 0, offset: '0' }] }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: 'txn', value: 'aborted' }] });
    await aborted.abort();
    const marker = await producer.transaction();
    await marker.send({ topic, messages: [{ key: 'txn', value: 'last' }] });
    await marker.commit();

    const seen = [];
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void (message.key?.toString() === 'txn' && seen.push(message.value.toString())) });
    await until(
      () => seen.includes('last'),
      'the read_committed consumer to reach the last transaction',
      () => `saw ${seen}`,
    );
    check(seen.join() === 'committed,last', `read_committed saw ${seen}`);
  } finally {
    await reader.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function until(predicate, what, state) {
  const deadline = Date.now() + STEP_TIMEOUT_MS - 2000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function withTimeout(promise, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${name}" took over ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** kafkajs wraps the broker's answer (e.g. UNSUPPORTED_VERSION) in `cause`/`type`. */
function describe(err) {
  const parts = [`${err.name}: ${err.message}`];
  if (err.type) parts.push(`type ${err.type}`);
  for (let cause = err.cause ?? err.originalError; cause; cause = cause.cause ?? cause.originalError)
    parts.push(`cause ${cause.name}: ${cause.message}${cause.type ? ` (${cause.type})` : ''}`);
  return parts.join('; ');
}

async function main(bootstrapArg) {
  const broker = bootstrapArg ? { bootstrap: bootstrapArg, version: 'given', stop: async () => undefined } : await startBroker();
  const label = bootstrapArg ? bootstrapArg : `Apache Kafka ${kafkaVersion()} at ${broker.bootstrap}`;
  console.log(`kafkajs ${(await import('kafkajs/package.json', { with: { type: 'json' } })).default.version} against ${label}`);
  try {
    const results = await verifyKafkajs(broker.bootstrap);
    for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.step}${r.ok ? '' : `\n     ${r.error}`}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(failed === 0 ? `all ${results.length} steps passed` : `${failed} of ${results.length} steps failed`);
    if (failed > 0 || results.length < 9) process.exitCode = 1;
  } finally {
    await broker.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2]).catch((err) => {
    console.error(`verify-kafkajs: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}
