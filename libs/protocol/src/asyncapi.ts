/**
 * The game's Kafka topics as an AsyncAPI 3 document (served at
 * /api/asyncapi.json), generated from this package's own zod schemas (zod 4's
 * JSON Schema output) and topic table: every topic with its partitions, who
 * writes it, its key and its value — so the document cannot drift from the
 * wire format the server parses.
 */
import { z } from 'zod';
import { ACTIONS } from './actions.js';
import { ORDER_SIGNATURE_HEADER, SERVER_SIGNATURE_HEADER } from './kafka-access.js';
import { plantationLoadSchema, repartitionedOrderSchema } from './market-control.js';
import {
  deadLetterSchema,
  gameEventSchema,
  gibbSchema,
  sharePriceSchema,
  singleStreamKeySchema,
  teamKeySchema,
  teamRecordSchema,
  traderKeySchema,
  traderRegistrationSchema,
  traderStateSchema,
  txnResultSchema,
} from './schemas.js';
import { TOPICS, type TopicKey, type TopicSpec } from './topics.js';
import { txnRejectionSchema } from './txn-rejection.js';

/** A value the server seals (AES-256-GCM) before it writes it: only the game's servers can read it. */
const sealedSchema = z.object({ sealed: z.string().describe('base64 of the IV, the tag and the ciphertext') }).strict();
/** plantation-loads' key: the task, as a JSON string such as "task/3". */
const taskKeySchema = z.string().regex(/^task\/\d+$/);
/** The changelogs' keys: JSON strings naming the stored entry ("game", "account/…", "txn/…"). */
const changelogKeySchema = z.string();

interface TopicMessages {
  readonly summary: string;
  readonly key: z.ZodType;
  readonly value: z.ZodType;
}

/** Every topic's key and value, once. */
const MESSAGES: Record<TopicKey, TopicMessages> = {
  sharePrice: { summary: 'The share price and forecast, every tick', key: singleStreamKeySchema, value: sharePriceSchema },
  gibberGibbs: { summary: 'Gibbs (#MKTD posts) that move the hype', key: singleStreamKeySchema, value: gibbSchema },
  marketOrders: { summary: 'A trader buys or sells shares', key: traderKeySchema, value: ACTIONS.market.orderSchema },
  investmentOrders: { summary: 'A trader invests coins in a plantation', key: traderKeySchema, value: ACTIONS.invest.orderSchema },
  feedMonkeys: { summary: 'A trader feeds monkeys', key: traderKeySchema, value: ACTIONS.feed.orderSchema },
  txnResults: { summary: 'The answer to an order, and payouts (RETURN, BAILOUT)', key: traderKeySchema, value: txnResultSchema },
  txnRejections: {
    summary: 'An order the server could not take, and why (under the order key bytes)',
    key: traderKeySchema,
    value: txnRejectionSchema,
  },
  traderStates: { summary: "A trader's state after every change (compacted)", key: traderKeySchema, value: traderStateSchema },
  gameEvents: { summary: 'The game lifecycle, hype changes, bursts, bailouts', key: singleStreamKeySchema, value: gameEventSchema },
  deadLetters: { summary: 'Every message the server could not parse, or refused as forged', key: singleStreamKeySchema, value: deadLetterSchema },
  traderRegistrations: {
    summary: "Who registered (a hash of the token and the nonce it derives from), and the coach's teams",
    key: z.union([traderKeySchema, teamKeySchema]),
    value: z.union([traderRegistrationSchema, teamRecordSchema]),
  },
  gameChangelog: { summary: "The market's stored record (sealed)", key: changelogKeySchema, value: sealedSchema },
  taskChangelog: { summary: "Each task's stored traders (sealed)", key: changelogKeySchema, value: sealedSchema },
  actionRepartition: { summary: "Orders forwarded to their trader's home task", key: traderKeySchema, value: repartitionedOrderSchema },
  gameCommands: { summary: "The coach's commands for the market leader (sealed)", key: singleStreamKeySchema, value: sealedSchema },
  plantationLoads: { summary: "Each task's plantation load", key: taskKeySchema, value: plantationLoadSchema },
};

/** JSON Schema of what a client writes or reads: the schema's input side, transforms and refinements left to the text. */
const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const WRITERS: Record<TopicSpec['players'], string> = {
  write: 'players and the server write it; everyone reads it',
  read: 'the server writes it; everyone reads it',
  none: 'the server alone writes and reads it',
};

export interface AsyncApiOptions {
  /** The Kafka bootstrap address the document names (default: localhost:9092). */
  readonly kafka?: string;
  readonly version?: string;
}

/** The AsyncAPI 3.0 document of the game's Kafka topics. */
export function asyncApiDocument(options: AsyncApiOptions = {}): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [id, spec] of Object.entries(TOPICS) as [TopicKey, TopicSpec][]) {
    const { summary, key, value } = MESSAGES[id];
    const messageId = `${id}Message`;
    const signed = spec.players === 'write';
    messages[messageId] = {
      name: spec.name,
      summary,
      contentType: 'application/json',
      payload: jsonSchema(value),
      headers: {
        type: 'object',
        properties: {
          [SERVER_SIGNATURE_HEADER]: {
            type: 'string',
            description: 'HMAC-SHA256 of topic, key and value by the game secret, on every record the server writes',
          },
          ...(signed
            ? {
                [ORDER_SIGNATURE_HEADER]: {
                  type: 'string',
                  pattern: '^[0-9a-f]{64}$',
                  description: "KAFKA_ORDERS=signed: HMAC-SHA256 of the value bytes keyed by the trader's token",
                },
              }
            : {}),
        },
      },
      bindings: { kafka: { key: jsonSchema(key), bindingVersion: '0.5.0' } },
    };
    channels[id] = {
      address: spec.name,
      description: `${summary}. ${WRITERS[spec.players]}.`,
      messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
      bindings: { kafka: { topic: spec.name, partitions: spec.partitions, ...topicConfiguration(spec), bindingVersion: '0.5.0' } },
    };
    operations[`receive${capitalize(id)}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, summary: `Read ${spec.name}` };
    if (spec.players === 'write') {
      operations[`send${capitalize(id)}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `Write to ${spec.name}` };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Banana Market on Kafka',
      version: options.version ?? '1.0.0',
      description:
        "The Kafka topics of Banana Market (the 2018 MonkeyTechDays wire format and this game's additions): keys and values are JSON, " +
        "keys partitioned with Kafka's default murmur2 partitioner; read txn-results read_committed.",
    },
    servers: { room: { host: options.kafka ?? 'localhost:9092', protocol: 'kafka', description: 'The room broker (KAFKA_BROKERS)' } },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

function topicConfiguration(spec: TopicSpec): Record<string, unknown> {
  const cleanup = spec.config['cleanup.policy'];
  return cleanup === undefined ? {} : { topicConfiguration: { 'cleanup.policy': [cleanup] } };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
