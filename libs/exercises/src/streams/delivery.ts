import {
  createProducer,
  groupedByTopic,
  type Consumer,
  type Kafka,
  type Message,
  type Producer,
  type TopicRecord,
  type Transaction,
} from '@banana-market/kafka';

/** Kafka Streams' processing.guarantee values the runner knows (exactly_once_v2 is Kafka's name for KIP-447's exactly-once). */
export const PROCESSING_GUARANTEES = ['at_least_once', 'exactly_once_v2'] as const;
export type ProcessingGuarantee = (typeof PROCESSING_GUARANTEES)[number];

/** A record on its way out: a sink record, a repartition record or a changelog write. */
export type OutgoingRecord = TopicRecord<Message>;

/** How far the input was processed: the next offset to read, per partition. */
export interface InputOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * How a batch's outputs and its input offsets reach the broker. The runner
 * sends outputs after every batch and commits offsets every commit interval;
 * what a crash in between does depends on the guarantee.
 */
export interface Delivery {
  readonly guarantee: ProcessingGuarantee;
  /**
   * Sends outputs in one produce request (cut them with inTopicRequestRuns); under
   * exactly-once, inside the open transaction (opening one).
   */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Makes what was sent and how far the input was read durable (under exactly-once: atomically, one transaction). */
  commit(offsets: readonly InputOffset[]): Promise<void>;
  /** Under exactly-once: aborts the open transaction, so no reader ever sees its records. */
  abort(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Kafka Streams' transaction.timeout.ms under exactly-once: how long a
 * transaction left open by a killed instance holds back read_committed readers
 * if no new instance fences it sooner.
 */
export const TRANSACTION_TIMEOUT_MS = 10_000;

/**
 * At-least-once: outputs are produced (acks=all) before the offsets that led
 * to them are committed, so a crash in between replays those records — their
 * outputs come twice and their store updates are applied twice.
 */
class AtLeastOnce implements Delivery {
  readonly guarantee = 'at_least_once';

  constructor(
    private readonly producer: Producer,
    private readonly consumer: () => Consumer | undefined,
  ) {}

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length > 0) await this.producer.sendBatch({ acks: -1, topicMessages: groupedByTopic(records) });
  }

  async commit(offsets: readonly InputOffset[]): Promise<void> {
    const consumer = this.consumer();
    if (consumer !== undefined && offsets.length > 0) await consumer.commitOffsets([...offsets]);
  }

  async abort(): Promise<void> {}

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/**
 * Exactly-once (Kafka's exactly_once_v2 with a single task): outputs, changelog
 * writes and the input offsets go out in one transaction of a producer whose
 * transactional id belongs to the application. A crash before the commit
 * leaves the transaction to be aborted — by the next instance, whose producer
 * fences the old one when it connects, before the stores are restored — so
 * read_committed readers, the restore among them, never see its records, and
 * the input is read again from the last committed offsets.
 */
class ExactlyOnce implements Delivery {
  readonly guarantee = 'exactly_once_v2';
  private transaction: Transaction | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly groupId: string,
  ) {}

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const transaction = await this.open();
    await transaction.sendBatch({ acks: -1, topicMessages: groupedByTopic(records) });
  }

  async commit(offsets: readonly InputOffset[]): Promise<void> {
    if (this.transaction === undefined && offsets.length === 0) return;
    const transaction = await this.open();
    if (offsets.length > 0) await transaction.sendOffsets({ consumerGroupId: this.groupId, topics: offsetsByTopic(offsets) });
    await transaction.commit();
    this.transaction = undefined;
  }

  async abort(): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    if (transaction?.isActive()) await transaction.abort();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  private async open(): Promise<Transaction> {
    this.transaction ??= await this.producer.transaction();
    return this.transaction;
  }
}

/**
 * The delivery for a guarantee, its producer connected. Under exactly-once
 * this registers the transactional id (InitProducerId): the broker then
 * completes or aborts whatever transaction a killed instance left open, which
 * is why the runner connects it before restoring its stores.
 */
export async function connectDelivery(
  kafka: Kafka,
  guarantee: ProcessingGuarantee,
  applicationId: string,
  consumer: () => Consumer | undefined,
): Promise<Delivery> {
  const producer =
    guarantee === 'at_least_once'
      ? createProducer(kafka)
      : // One task holds every partition, so the application's one transactional id fences a second instance too.
        createProducer(kafka, {
          transactionalId: `${applicationId}-0_0`,
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: TRANSACTION_TIMEOUT_MS,
        });
  try {
    await producer.connect();
    if (guarantee === 'at_least_once') return new AtLeastOnce(producer, consumer);
    // kafkajs registers the transactional id (InitProducerId) at the first transaction, not at connect():
    // begin one now and end it, which sends nothing to the broker but the registration.
    const registration = await producer.transaction();
    await registration.abort();
    return new ExactlyOnce(producer, applicationId);
  } catch (error) {
    // Not handed to the runner yet, so nobody else would close it: its sockets would keep the process alive.
    await producer.disconnect().catch(() => undefined);
    throw error;
  }
}

function offsetsByTopic(offsets: readonly InputOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const grouped = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    const partitions = grouped.get(topic) ?? [];
    partitions.push({ partition, offset });
    grouped.set(topic, partitions);
  }
  return [...grouped].map(([topic, partitions]) => ({ topic, partitions }));
}
