#!/usr/bin/env node
/**
 * The Kafka baselines of `npm run bench`, each in a process of its own (as the
 * server rows' server is): a consume→answer pipe written with kafkajs, used
 * well, on the same broker, with topics shaped as market-orders / txn-results
 * (8 partitions each) and answers the size of the server's.
 *
 *   node tools/bench/pipe.mjs batched <bootstrap> <input> <output>
 *     eachBatch (8 partitions consumed concurrently), one `send` per batch of
 *     answers, an idempotent producer, no transactions; the consumer commits.
 *   node tools/bench/pipe.mjs eos <bootstrap> <input> <output>
 *     eachBatch the same, every answer and offset inside a transaction:
 *     `transaction()`, `sendBatch`, `sendOffsets`, `commit`. kafkajs allows one
 *     open transaction per producer, so the batches that arrive while one
 *     commits wait and go together in the next (group commit: one transaction
 *     per batch at low load, bigger transactions at high load). The
 *     transactional producer retries after 20 ms, not kafkajs' 300 ms: the
 *     broker answers CONCURRENT_TRANSACTIONS while it finishes the previous
 *     transaction's markers.
 *
 * Prints `ready` once its consumer has joined its group; stops on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, Partitioners } = kafkajs;
const [mode, bootstrap, input, output] = process.argv.slice(2);
if (!['batched', 'eos'].includes(mode) || !bootstrap || !input || !output) {
  console.error('usage: node tools/bench/pipe.mjs batched|eos <bootstrap> <input-topic> <output-topic>');
  process.exit(2);
}

const kafka = new Kafka({ clientId: `bench-pipe-${mode}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
const groupId = `bench-pipe-${mode}-${randomUUID()}`;
const producer =
  mode === 'eos'
    ? kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        transactionalId: `bench-pipe-${randomUUID()}`,
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { initialRetryTime: 20, retries: 20, maxRetryTime: 1_000 },
      })
    : kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: false });

/** An answer the size of the server's txn-results value for a market order. */
function answer(message) {
  const { txnId } = JSON.parse(message.value.toString());
  const value = JSON.stringify({
    txnId,
    type: 'MARKET',
    state: { time: new Date().toISOString(), coins: 9.123456789, shares: 6, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 },
    status: 'ACCEPTED',
  });
  return { key: message.key, value };
}

/** eos: batches waiting for the next transaction, and whether one is open. */
let pending = [];
let committing = false;
/** Printed on SIGTERM: what the pipe did. */
const stats = { batches: 0, answers: 0, sends: 0, transactions: 0 };

async function commitLoop() {
  committing = true;
  try {
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        const txn = await producer.transaction();
        try {
          await txn.sendBatch({ topicMessages: [{ topic: output, messages: group.flatMap((g) => g.messages) }] });
          const offsets = new Map();
          for (const g of group) offsets.set(g.partition, g.nextOffset);
          await txn.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic: input, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset })) }],
          });
          await txn.commit();
          stats.transactions++;
        } catch (err) {
          await txn.abort().catch(() => undefined);
          throw err;
        }
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
  } finally {
    committing = false;
  }
}

function commitInTransaction(partition, messages, nextOffset) {
  return new Promise((resolve, reject) => {
    pending.push({ partition, messages, nextOffset, resolve, reject });
    if (!committing) void commitLoop();
  });
}

await producer.connect();
const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
await consumer.connect();
await consumer.subscribe({ topics: [input], fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: 8,
  autoCommit: mode !== 'eos',
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    if (batch.messages.length === 0) return;
    const answers = batch.messages.map(answer);
    stats.batches++;
    stats.answers += answers.length;
    const last = batch.messages[batch.messages.length - 1].offset;
    if (mode === 'eos') {
      await commitInTransaction(batch.partition, answers, String(BigInt(last) + 1n));
    } else {
      await producer.send({ topic: output, messages: answers });
      stats.sends++;
    }
    resolveOffset(last);
    await heartbeat();
  },
});
await joined;
console.log('ready');

const stop = async () => {
  console.log(`stats ${JSON.stringify(stats)}`);
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
