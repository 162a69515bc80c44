/**
 * The outside Kafka client of the several-servers test: plain kafkajs
 * (through @banana-market/kafka), none of the server's bus code. OrderLoad
 * writes orders to the three action topics at a bounded rate; Ledger reads
 * txn-results, txn-rejections and share-price read_committed as they come;
 * readAnswers reads txn-results whole, to its end, for the final count.
 */
import { randomUUID } from 'node:crypto';
import {
  createKafkaClient,
  createProducer,
  groupedByTopic,
  readToEnd,
  waitForGroupJoin,
  type Consumer,
  type Kafka,
  type Producer,
  type TopicRecord,
} from '@banana-market/kafka';
import { encode, TOPICS, type SharePrice, type TraderKey } from '@banana-market/protocol';
import { answerKey, type Expectation, type SeenPrice } from './checks.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A result of type RETURN or BAILOUT is not an answer to an order (a RETURN carries its INVEST's txnId). */
const NOT_ANSWERS = new Set(['RETURN', 'BAILOUT']);

export function outsideKafka(bootstrap: string): Kafka {
  return createKafkaClient({ clientId: `several-servers-${randomUUID().slice(0, 8)}`, brokers: [bootstrap] });
}

export interface LoadTrader {
  readonly key: TraderKey;
  /** Its key on the bus (JSON). */
  readonly id: string;
}

/**
 * Orders of this run, keyed by answerKey: what every answer must match.
 * Shared by the Kafka load and the HTTP orders of the test.
 */
export class SentOrders {
  readonly expected = new Map<string, Expectation>();

  add(trader: string, txnId: string, expectation: Expectation): void {
    this.expected.set(answerKey(trader, txnId), expectation);
  }

  get size(): number {
    return this.expected.size;
  }
}

/**
 * Orders written straight to the action topics, `ratePerSecond` of them in
 * batches every 100 ms, round robin over the traders: mostly MARKET BUY/SELL
 * of one share, a FEED of one monkey or an INVEST of a tenth of a coin now and
 * then. Idempotent producer: a retried send writes no second copy (which the
 * server would rightly answer again, as a replay).
 */
export class OrderLoad {
  /** Orders written (acknowledged by the broker). */
  written = 0;
  readonly errors: string[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly traders: readonly LoadTrader[],
    private readonly sent: SentOrders,
    private readonly txnPrefix: string,
    private readonly ratePerSecond: number,
    /** A bound on the whole run, whatever the test does. */
    private readonly maxOrders: number,
  ) {
    this.producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const perBatch = Math.max(1, Math.round(this.ratePerSecond / 10));
    let i = 0;
    while (!this.stopped && i < this.maxOrders) {
      const started = Date.now();
      const records: TopicRecord<{ key: string; value: string }>[] = [];
      const batch: Array<{ trader: string; txnId: string }> = [];
      for (let k = 0; k < perBatch && i < this.maxOrders; k++, i++) {
        const trader = this.traders[i % this.traders.length];
        const round = Math.floor(i / this.traders.length);
        const txnId = `${this.txnPrefix}${i}`;
        const time = new Date().toISOString();
        const roll = round % 10;
        const [topic, value] =
          roll === 7
            ? [TOPICS.feedMonkeys.name, encode.feedMonkeys({ time, txnId, monkeys: 1 })]
            : roll === 9
              ? [TOPICS.investmentOrders.name, encode.investmentOrder({ time, txnId, invested: 0.1 })]
              : [TOPICS.marketOrders.name, encode.marketOrder({ time, txnId, type: round % 2 === 0 ? 'BUY' : 'SELL', shares: 1 })];
        records.push({ topic, message: { key: trader.id, value } });
        batch.push({ trader: trader.id, txnId });
      }
      try {
        await this.producer.sendBatch({ topicMessages: groupedByTopic(records) });
        for (const { trader, txnId } of batch) this.sent.add(trader, txnId, 'exactly-once');
        this.written += batch.length;
      } catch (err) {
        // Not known whether they were written: at most once, and the failure is reported.
        for (const { trader, txnId } of batch) this.sent.add(trader, txnId, 'at-most-once');
        this.errors.push(`${new Date().toISOString()} a batch of ${batch.length} orders failed: ${String(err)}`);
      }
      // Pacing the load (the only sleep): the next batch 100 ms after this one began.
      await sleep(Math.max(0, 100 - (Date.now() - started)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.producer.disconnect();
  }
}

/** What an outside reader sees as it comes, read_committed, from the moment it joined its group. */
export class Ledger {
  /** answerKey → how many results, for the txnIds of this run. */
  readonly counts = new Map<string, number>();
  /** answerKey → the rejection's reason, for the txnIds of this run (an order on txn-rejections is not on txn-results). */
  readonly rejections = new Map<string, string>();
  readonly prices: SeenPrice[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, isOurs: (txnId: string) => boolean): Promise<Ledger> {
    const groupId = `several-servers-ledger-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
    const ledger = new Ledger(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.txnResults.name, TOPICS.txnRejections.name, TOPICS.sharePrice.name], fromBeginning: false });
    const joined = waitForGroupJoin(consumer, groupId);
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (message.value === null) return;
        const value = JSON.parse(message.value.toString()) as Record<string, unknown>;
        if (topic === TOPICS.sharePrice.name) {
          const price = value as unknown as SharePrice;
          ledger.prices.push({ time: price.time, coins: price.coins, receivedAt: Date.now() });
          return;
        }
        const txnId = String(value.txnId);
        if (!isOurs(txnId) || NOT_ANSWERS.has(String(value.type))) return;
        const key = answerKey(message.key?.toString() ?? '', txnId);
        if (topic === TOPICS.txnResults.name) ledger.counts.set(key, (ledger.counts.get(key) ?? 0) + 1);
        else ledger.rejections.set(key, String(value.reason));
      },
    });
    await joined;
    return ledger;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/**
 * txn-results read whole, read_committed, to its current end, for the txnIds of this run:
 * answerKey → how many results, and → the results themselves (as on the bus, with their partition and offset).
 */
export async function readAnswers(
  kafka: Kafka,
  isOurs: (txnId: string) => boolean,
): Promise<{ counts: Map<string, number>; values: Map<string, string[]> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const consumed = await readToEnd(kafka, admin, [TOPICS.txnResults.name], { groupIdPrefix: 'several-servers-read', timeoutMs: 30_000 });
    const counts = new Map<string, number>();
    const values = new Map<string, string[]>();
    for (const { partition, message } of consumed) {
      if (message.value === null) continue;
      const { txnId, type } = JSON.parse(message.value.toString()) as { txnId: string; type: string };
      if (!isOurs(txnId) || NOT_ANSWERS.has(type)) continue;
      const key = answerKey(message.key?.toString() ?? '', txnId);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      values.set(key, [...(values.get(key) ?? []), `@${partition}/${message.offset} ${message.value.toString()}`]);
    }
    return { counts, values };
  } finally {
    await admin.disconnect();
  }
}
