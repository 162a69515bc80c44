/** Plain kafkajs clients that play the outside world for the Kafka runner's tests. */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';

export interface ReadRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
}

/** Produces JSON records and collects the JSON records of topics, from their beginning. */
export class OutsideWorld {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers: Consumer[] = [];

  constructor(bootstrap: string) {
    this.kafka = new Kafka({ clientId: 'outside-world', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async produce(topic: string, records: { key: unknown; value: unknown; timestamp: number }[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: JSON.stringify(r.key), value: JSON.stringify(r.value), timestamp: String(r.timestamp) })),
    });
  }

  /** Records of the topic, read from its beginning, growing as they arrive. */
  async watch(topic: string): Promise<ReadRecord[]> {
    const records: ReadRecord[] = [];
    const consumer = this.kafka.consumer({ groupId: `outside-${randomUUID()}`, maxWaitTimeInMs: 100 });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({
          key: message.key === null ? null : JSON.parse(message.key.toString()),
          value: message.value === null ? null : JSON.parse(message.value.toString()),
          timestamp: Number(message.timestamp),
        });
      },
    });
    return records;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer.disconnect();
  }
}

/** Polls until the check passes; after the deadline, throws the check's last failure. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
