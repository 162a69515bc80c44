/**
 * The trader states and results this process's tasks publish go out with
 * their values (OutgoingMessage.decoded), for the read models of the same
 * process: on the embedded bus the trader-states view and the readers of
 * txn-results take them as they are, rather than decode every answer of the
 * game again (UTF-8, JSON.parse, the schema). Read from Kafka, a message has
 * none: it is decoded, as before.
 *
 * A value is what decoding the bytes gives — the schema's fields in its
 * order, none undefined — as a copy of the engine's object, frozen: every
 * reader shares it.
 */
import { TOPICS, type TraderState, type TxnResult } from '@banana-market/protocol';
import type { BusMessage } from '../bus/message-bus.js';

/** The state a trader-states message of this process holds, or undefined (decode the bytes). */
export function publishedState(message: BusMessage): TraderState | undefined {
  return message.topic === TOPICS.traderStates.name ? (message.decoded as TraderState | undefined) : undefined;
}

/** The result a txn-results message of this process holds, or undefined (decode the bytes). */
export function publishedResult(message: BusMessage): TxnResult | undefined {
  return message.topic === TOPICS.txnResults.name ? (message.decoded as TxnResult | undefined) : undefined;
}

/** A state as decoding its bytes gives it. */
export function stateValue(state: TraderState): TraderState {
  const { time, coins, shares, bailouts, fedMonkeys, inFlightInvestments } = state;
  return Object.freeze({ time, coins, shares, bailouts, fedMonkeys, inFlightInvestments });
}

/** A result as decoding its bytes gives it. */
export function resultValue(result: TxnResult): TxnResult {
  const { txnId, type, status, reason } = result;
  const state = stateValue(result.state);
  return Object.freeze(reason === undefined ? { txnId, type, state, status } : { txnId, type, state, status, reason });
}
