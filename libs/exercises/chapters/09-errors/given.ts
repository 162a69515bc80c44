/** What chapter 09 gives you: the topics, raw-text serdes, the SDK's decoders and a dead letter's shape. */
import { Serdes, type Consumed } from '@banana-market/exercises';
import {
  decodeMessage,
  SINGLE_STREAM_KEY,
  TOPICS,
  type DecodeResult,
  type MarketOrder,
  type ProtocolError,
  type TraderKey,
} from '@banana-market/protocol';

export { decodeMessage, SINGLE_STREAM_KEY };
export type { DecodeResult, MarketOrder, ProtocolError, TraderKey };

/** Orders as any Kafka client may send them: keys and values are whatever bytes arrived. */
export const RAW_ORDERS_TOPIC = 'kata-09-raw-orders';
/** The orders that parsed, keyed by trader, as JSON. */
export const ORDERS_TOPIC = TOPICS.marketOrders.name;
/** One RejectedOrder per message that did not parse, key "GNOU". */
export const DEAD_LETTERS_TOPIC = 'kata-09-dead-letters';
/** How many messages were rejected because of each field, keyed by the field. */
export const REJECTIONS_PER_FIELD_TOPIC = 'kata-09-rejections-per-field';

/** Read keys and values as raw text (or null): parsing them is your job, so nothing fails before you. */
export const RAW_TEXT: Consumed<string | null, string | null> = {
  keySerde: Serdes.string(),
  valueSerde: Serdes.string(),
};

export interface RejectedOrder {
  /** The key and value exactly as they arrived. */
  readonly key: string | null;
  readonly value: string | null;
  /** The first field at fault (ProtocolError.field): "key", "key.team", "shares", "(value)"… */
  readonly field: string;
  /** What was wrong, for a human (ProtocolError.message). */
  readonly reason: string;
}
