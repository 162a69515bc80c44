/**
 * Turns a raw message from an action topic into an engine action, or says
 * exactly why it cannot: the same decoding serves Kafka, WebSocket and HTTP.
 * Which schema applies is the protocol's action table's business.
 */
import {
  actionForTopic,
  decodeActionOrder,
  PROTOCOL_LIMITS,
  type ActionTxnType,
  type RawMessage,
  type TraderAction,
  type TraderKey,
} from '@banana-market/protocol';
import { decodeTraderKey } from './trader-key-decoder.js';

export type DecodedAction =
  | { readonly ok: true; readonly trader: TraderKey; readonly action: TraderAction }
  | {
      readonly ok: false;
      readonly reason: string;
      /** The first offending field (`key`, `key.team`, `shares`, `(value)`). */
      readonly field: string;
      readonly trader?: TraderKey;
      readonly txnType: ActionTxnType;
      readonly txnId: string;
    };

export function decodeActionMessage(topic: string, key: RawMessage, value: RawMessage): DecodedAction {
  const spec = actionForTopic(topic);
  if (spec === undefined) throw new Error(`"${topic}" is not an action topic`);
  const trader = decodeTraderKey(key);
  if (!trader.ok) {
    return { ok: false, reason: trader.error.message, field: trader.error.field, txnType: spec.txnType, txnId: salvageTxnId(value) };
  }
  const action = decodeActionOrder(spec, value);
  if (!action.ok) {
    return {
      ok: false,
      reason: action.error.message,
      field: action.error.field,
      trader: trader.value,
      txnType: spec.txnType,
      txnId: salvageTxnId(value),
    };
  }
  return { ok: true, trader: trader.value, action: action.value };
}

/** A rejected message still answers under its txnId when one can be read, so the bot can match it. */
function salvageTxnId(value: RawMessage): string {
  if (value === null || value === undefined) return '';
  try {
    const text = typeof value === 'string' ? value : new TextDecoder().decode(value);
    if (text.length > PROTOCOL_LIMITS.maxMessageBytes) return '';
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'txnId' in parsed) {
      const txnId = (parsed as { txnId: unknown }).txnId;
      if (typeof txnId === 'string' && txnId.length <= PROTOCOL_LIMITS.maxTxnIdLength) return txnId;
    }
  } catch {
    // not JSON: nothing to salvage
  }
  return '';
}
