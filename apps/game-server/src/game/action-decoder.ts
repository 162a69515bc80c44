/**
 * Turns a raw message from an action topic into an engine action, or says
 * exactly why it cannot: the same decoding serves Kafka, WebSocket and HTTP.
 */
import { decode, decodeMessage, TOPICS, type RawMessage, type TraderKey, type ProtocolError } from '@banana-market/sdk';
import * as sdk from '@banana-market/sdk';
import type { ActionTxnType, TraderAction } from '@banana-market/engine';

export interface ActionTopicSpec {
  readonly txnType: ActionTxnType;
  readonly decodeValue: (raw: RawMessage) => sdk.DecodeResult<TraderAction>;
}

export const ACTION_TOPIC_SPECS: Readonly<Record<string, ActionTopicSpec>> = Object.freeze({
  [TOPICS.marketOrders.name]: {
    txnType: 'MARKET',
    decodeValue: (raw) => mapOk(decode(sdk.marketOrderSchema, raw), (order) => ({ kind: 'market', order })),
  },
  [TOPICS.investmentOrders.name]: {
    txnType: 'INVEST',
    decodeValue: (raw) => mapOk(decode(sdk.investmentOrderSchema, raw), (order) => ({ kind: 'invest', order })),
  },
  [TOPICS.feedMonkeys.name]: {
    txnType: 'FEED',
    decodeValue: (raw) => mapOk(decode(sdk.feedMonkeysSchema, raw), (order) => ({ kind: 'feed', order })),
  },
});

export type DecodedAction =
  | { readonly ok: true; readonly trader: TraderKey; readonly action: TraderAction }
  | { readonly ok: false; readonly reason: string; readonly trader?: TraderKey; readonly txnType: ActionTxnType; readonly txnId: string };

export function decodeActionMessage(topic: string, key: RawMessage, value: RawMessage): DecodedAction {
  const spec = ACTION_TOPIC_SPECS[topic];
  if (spec === undefined) throw new Error(`"${topic}" is not an action topic`);
  const trader = decodeMessage.traderKey(key);
  if (!trader.ok) {
    return { ok: false, reason: trader.error.message, txnType: spec.txnType, txnId: salvageTxnId(value) };
  }
  const action = spec.decodeValue(value);
  if (!action.ok) {
    return { ok: false, reason: action.error.message, trader: trader.value, txnType: spec.txnType, txnId: salvageTxnId(value) };
  }
  return { ok: true, trader: trader.value, action: action.value };
}

/** A rejected message still answers under its txnId when one can be read, so the bot can match it. */
function salvageTxnId(value: RawMessage): string {
  if (value === null || value === undefined) return '';
  try {
    const text = typeof value === 'string' ? value : new TextDecoder().decode(value);
    if (text.length > sdk.PROTOCOL_LIMITS.maxMessageBytes) return '';
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'txnId' in parsed) {
      const txnId = (parsed as { txnId: unknown }).txnId;
      if (typeof txnId === 'string' && txnId.length <= sdk.PROTOCOL_LIMITS.maxTxnIdLength) return txnId;
    }
  } catch {
    // not JSON: nothing to salvage
  }
  return '';
}

function mapOk<T, U>(result: sdk.DecodeResult<T>, f: (value: T) => U): sdk.DecodeResult<U> {
  return result.ok ? { ok: true, value: f(result.value) } : (result as { ok: false; error: ProtocolError });
}
