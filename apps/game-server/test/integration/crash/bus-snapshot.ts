/**
 * What the bus holds, read the way an outside reader would: the embedded
 * bus's SQLite file read-only (readEmbeddedTopic), or a Kafka broker read to
 * its end with a plain kafkajs client (read committed). trader-states is read
 * before txn-results, so the results go at least as far as the states.
 */
import { createKafkaClient, readToEnd } from '@banana-market/kafka';
import { TOPICS, type SharePrice, type TraderState, type TxnResult } from '@banana-market/protocol';
import { readEmbeddedTopic } from '../../../src/bus/embedded-log-store.js';
import type { LoggedResult } from './invariants.js';

export interface BusSnapshot {
  /** txn-results in order per partition (a trader's results share one: its order of execution). */
  readonly results: LoggedResult[];
  /** trader-states: each trader's newest state, by its key (JSON, as on the bus). */
  readonly states: Map<string, TraderState>;
  readonly prices: SharePrice[];
}

interface RawRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export type SnapshotSource = { readonly kind: 'embedded'; readonly dataDir: string } | { readonly kind: 'kafka'; readonly bootstrap: () => string };

const ORDER = [TOPICS.traderStates.name, TOPICS.txnResults.name, TOPICS.sharePrice.name];

export async function readSnapshot(source: SnapshotSource): Promise<BusSnapshot> {
  const records: RawRecord[] =
    source.kind === 'embedded' ? ORDER.flatMap((topic) => readEmbeddedTopic(source.dataDir, topic)) : await readKafka(source.bootstrap());
  const results: LoggedResult[] = [];
  const states = new Map<string, TraderState>();
  const prices: SharePrice[] = [];
  for (const { topic, key, value } of records) {
    if (topic === TOPICS.txnResults.name && value !== null) {
      results.push({ trader: key?.toString() ?? '', result: JSON.parse(value.toString()) as TxnResult });
    } else if (topic === TOPICS.traderStates.name && key !== null) {
      if (value === null) states.delete(key.toString());
      else states.set(key.toString(), JSON.parse(value.toString()) as TraderState);
    } else if (topic === TOPICS.sharePrice.name && value !== null) {
      prices.push(JSON.parse(value.toString()) as SharePrice);
    }
  }
  return { results, states, prices };
}

async function readKafka(bootstrap: string): Promise<RawRecord[]> {
  const kafka = createKafkaClient({ clientId: 'crash-test-reader', brokers: [bootstrap] });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const consumed = await readToEnd(kafka, admin, ORDER, { groupIdPrefix: 'crash-test-read', timeoutMs: 30_000 });
    return consumed.map(({ topic, message }) => ({ topic, key: message.key ?? null, value: message.value ?? null }));
  } finally {
    await admin.disconnect();
  }
}
