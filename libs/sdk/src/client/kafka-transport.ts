/**
 * The bot's way in over Kafka, as a 2018 client would: orders go to the
 * action topics under the trader's key, results come from txn-results and
 * refusals (a paused game, say) from txn-rejections, as REJECTED results.
 * It reads in its own consumer group from the newest messages, keeps only
 * its own trader's results and states, and reads committed data only.
 * Given the trader's token it signs every order (the header
 * `banana-signature`, which a server with KAFKA_ORDERS=signed requires); the
 * token itself never leaves the process.
 */
import { randomUUID } from 'node:crypto';
import {
  createKafkaClient,
  createProducer,
  orderSignature,
  waitForGroupJoin,
  type Consumer,
  type Kafka,
  type Producer,
  type SaslCredentials,
} from '@banana-market/kafka';
import { decodeMessage, decodeTxnRejection, encode, encodeAction, ORDER_SIGNATURE_HEADER, rejectionAsTxnResult } from '@banana-market/protocol';
import type { TraderAction, TraderKey } from '@banana-market/protocol';
import { TOPICS } from '@banana-market/protocol';
import { NEW_TRADER_START } from '@banana-market/protocol';
import { BotSetupError, type BotTransport, type TransportEvents } from './transport.js';

export interface KafkaTransportOptions {
  readonly brokers: readonly string[];
  readonly trader: TraderKey;
  /** The trader's token (from its registration): orders are signed with it. */
  readonly token?: string;
  /** The players' credentials on a secured broker. */
  readonly sasl?: SaslCredentials;
}

export class KafkaTransport implements BotTransport {
  readonly trader: TraderKey;
  private readonly kafka: Kafka;
  private readonly key: string;
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;

  constructor(private readonly options: KafkaTransportOptions) {
    this.trader = options.trader;
    this.key = encode.traderKey(options.trader);
    this.kafka = createKafkaClient({
      clientId: `banana-bot-${options.trader.team}-${options.trader.name}`,
      brokers: options.brokers,
      retries: 5,
      connectionTimeoutMs: 3000,
      sasl: options.sasl,
    });
  }

  async connect(events: TransportEvents): Promise<void> {
    const producer = createProducer(this.kafka);
    try {
      await producer.connect();
    } catch (err) {
      throw new BotSetupError(`cannot reach Kafka at ${this.options.brokers.join(',')}: ${(err as Error).message}`);
    }
    this.producer = producer;
    const groupId = `banana-bot-${this.trader.team}-${this.trader.name}-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => events.status(`Kafka consumer restarting: ${payload.error.message}`));
    await consumer.connect();
    const topics = [TOPICS.sharePrice, TOPICS.txnResults, TOPICS.txnRejections, TOPICS.gibberGibbs, TOPICS.gameEvents].map((t) => t.name);
    await consumer.subscribe({ topics, fromBeginning: false });
    // This trader's last state, if it played before: read the state history once.
    await consumer.subscribe({ topics: [TOPICS.traderStates.name], fromBeginning: true });
    const joined = waitForGroupJoin(consumer, groupId);
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const mine = message.key?.toString() === this.key;
        if (topic === TOPICS.sharePrice.name) {
          const price = decodeMessage.sharePrice(message.value);
          if (price.ok) events.price(price.value);
        } else if (topic === TOPICS.gibberGibbs.name) {
          const gibb = decodeMessage.gibb(message.value);
          if (gibb.ok) events.gibb(gibb.value);
        } else if (topic === TOPICS.gameEvents.name) {
          const event = decodeMessage.gameEvent(message.value);
          if (event.ok) events.gameEvent(event.value);
        } else if (mine && topic === TOPICS.txnResults.name) {
          const result = decodeMessage.txnResult(message.value);
          if (result.ok) events.result(result.value);
        } else if (mine && topic === TOPICS.txnRejections.name) {
          const rejection = decodeTxnRejection(message.value);
          if (!rejection.ok) return;
          const result = rejectionAsTxnResult(rejection.value);
          if (result !== undefined) events.result(result);
          else events.refused(rejection.value.reason, rejection.value.txnId || undefined);
        } else if (mine && topic === TOPICS.traderStates.name) {
          const state = decodeMessage.traderState(message.value);
          if (state.ok) events.state(state.value);
        }
      },
    });
    await joined;
    // Over Kafka nobody tells a new trader its state before its first order: assume a fresh start
    // (the first result corrects it), reading what the server published about this trader if anything.
    events.state({ time: new Date().toISOString(), ...NEW_TRADER_START, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 });
  }

  async send(action: TraderAction): Promise<void> {
    if (this.producer === undefined) throw new Error('not connected');
    const { topic, value } = encodeAction({ ...action, order: { ...action.order, time: new Date().toISOString() } } as TraderAction);
    const { token } = this.options;
    const headers = token === undefined ? undefined : { [ORDER_SIGNATURE_HEADER]: orderSignature(token, value) };
    await this.producer.send({ topic, messages: [{ key: this.key, value, headers }] });
  }

  async close(): Promise<void> {
    await Promise.all([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }
}
