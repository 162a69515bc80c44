/**
 * The trader states and results this process's tasks publish go out with
 * their values (OutgoingMessage.decoded), for the read models of the same
 * process: on the embedded bus, and from a Kafka task's commit
 * (ownWritesFromCommits), the trader-states view and the readers of
 * txn-results take them as they are, rather than decode every answer of the
 * game again (UTF-8, JSON.parse, the schema). Fetched from Kafka, a message
 * has none: it is decoded, as before.
 *
 * A value is what decoding the bytes gives — the schema's fields in its
 * order, none undefined — and is shared by every reader: frozen.
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

/**
 * A state as decoding its bytes gives it: the engine's own object (stateOf makes every field, in the
 * schema's order), frozen rather than copied — the bus keeps the value as long as the message, and a copy
 * per answer was more for the garbage collector to carry.
 */
export function stateValue(state: TraderState): TraderState {
  return Object.freeze(state);
}

/** A result as decoding its bytes gives it: the engine's object (its fields in the schema's order), and its state, frozen. */
export function resultValue(result: TxnResult): TxnResult {
  Object.freeze(result.state);
  return Object.freeze(result);
}
