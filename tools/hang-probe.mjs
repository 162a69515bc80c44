// TEMPORARY experiment (not committed): broker SIGKILLed during a transactional producer's commits; after restart, is a partition left hanging, and does abortOpen end it?
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from './kafka/broker.mjs';
import { ExactlyOnceWriter, initTransactions, memberClients, memberProducer, settledTransactions } from '../libs/kafka/dist/exactly-once.js';
import { createKafkaClient, ensureTopics } from '../libs/kafka/dist/index.js';

const logDir = mkdtempSync(join(tmpdir(), 'hang-'));
const T = 'hang-topic';
const opts = (b) => ({ brokers: [b], clientId: 'hang', groupId: 'hang-g', transactionalId: 'hang-member-fixed', sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 20000, maxWaitMs: 50 });
let broker = await startBroker({ logDir });
{
  const kafka = createKafkaClient({ brokers: [broker.bootstrap] });
  const admin = kafka.admin(); await admin.connect();
  await ensureTopics(admin, [{ name: T, partitions: 8 }]); await admin.disconnect();
}
for (let iter = 1; iter <= Number(process.env.ITER ?? 8); iter++) {
  const o = opts(broker.bootstrap);
  const producer = memberProducer(o);
  const { admin } = memberClients(o);
  await initTransactions(producer);
  let stop = false, commits = 0;
  const loop = (async () => {
    while (!stop) {
      try {
        const txn = await producer.beginTransaction();
        await txn.send({ messages: Array.from({ length: 8 }, (_, p) => ({ topic: T, partition: p, key: Buffer.from('k' + p), value: Buffer.from(String(commits)) })) });
        await txn.commit(); commits++;
      } catch { break; }
    }
  })();
  await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000));
  process.kill(broker.pid, 'SIGKILL'); stop = true;
  const killedAt = Date.now();
  await Promise.race([loop, new Promise((r) => setTimeout(r, 3000))]);
  await producer.close(true).catch(() => {}); await admin.close().catch(() => {});
  await new Promise((r) => setTimeout(r, 1500));
  broker = await startBroker({ logDir });
  const o2 = opts(broker.bootstrap);
  const p2 = memberProducer(o2); const { admin: a2 } = memberClients(o2);
  const t0 = Date.now();
  await initTransactions(p2);
  const init = Date.now() - t0;
  let left = await settledTransactions(a2, [T], [0,1,2,3,4,5,6,7], 3000);
  let line = `iter ${iter}: ${commits} commits before the kill; init ${init} ms; unsettled after 3 s: [${left}]`;
  if (left.length > 0) {
    const w = new ExactlyOnceWriter(p2, { groupMember: () => undefined, logger: { error: console.log }, onFailure: () => {} });
    const t1 = Date.now();
    await w.abortOpen(left.map((id) => ({ topic: T, partition: Number(id.split('/').pop()) })));
    left = await settledTransactions(a2, [T], [0,1,2,3,4,5,6,7], 20000);
    line += `; after abortOpen (${Date.now() - t1} ms): [${left}]`;
    if (left.length > 0) { const t2 = Date.now(); left = await settledTransactions(a2, [T], [0,1,2,3,4,5,6,7], 60000); line += `; after 60 s more: [${left}] (${Date.now()-t2} ms)`; }
  }
  console.log(line);
  await p2.close().catch(() => {}); await a2.close().catch(() => {});
}
await broker.stop();
