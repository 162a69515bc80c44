/**
 * The txn-rejections topic: the answer to an order the server did not take
 * (a bad field, an unreadable key, a paused or ended game, a team not in the
 * room). txn-results keeps to the three 2018 statuses, which a 2018 client
 * reads as a closed enum; everything REJECTED comes here instead, under the
 * order's own key bytes (so on the order's partition), or under the raw key
 * bytes when the key is not a trader key.
 */
import { z } from 'zod';
import { decode, encode, type DecodeResult, type RawMessage } from './codec.js';
import { orderedJsonWriter } from './field-order.js';
import { traderStateSchema, txnResultSchema as txnResultSchemaForAnswers, txnTypeSchema, type TraderState, type TxnResult } from './schemas.js';
import { TOPICS } from './topics.js';

export const txnRejectionSchema = z.object({
  /** The order's txnId when it could be read, else "". */
  txnId: z.string(),
  /** The txn type of the action the order was for (its topic's). */
  type: txnTypeSchema,
  status: z.literal('REJECTED'),
  reason: z.string(),
  /** The offending field (`shares`, `key.team`, `(value)`) when one is to blame. */
  field: z.string().optional(),
  /** The trader's state, unchanged, when the key names a trader. */
  state: traderStateSchema.optional(),
  /** When the order was over the rate limit (reason RATE_LIMITED): how long until the trader may act again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type TxnRejection = z.infer<typeof txnRejectionSchema>;

const REJECTION_FIELDS = ['txnId', 'type', 'status', 'reason', 'field', 'retryAfterMs', 'state'] as const;

/** What a trader key looks like, for the reason of an answer to an unreadable one. */
export const TRADER_KEY_SHAPE = '{"team":"…","name":"…"}';

/** A rejection's JSON; its state, when it has one, as txn-results write states. */
export const encodeTxnRejection = orderedJsonWriter<TxnRejection>(REJECTION_FIELDS, { state: encode.traderState });

export function decodeTxnRejection(raw: RawMessage): DecodeResult<TxnRejection> {
  return decode(txnRejectionSchema, raw);
}

/** What the server adds to a rejection the engine made: the field to blame, the time to wait. */
export interface RejectionDetails {
  readonly field?: string;
  readonly retryAfterMs?: number;
}

/** A REJECTED transaction result (as the engine produces it) as its txn-rejections value. */
export function txnRejectionOf(result: TxnResult, details: RejectionDetails = {}): TxnRejection {
  return {
    txnId: result.txnId,
    type: result.type,
    status: 'REJECTED',
    reason: result.reason ?? 'rejected',
    ...(details.field === undefined ? {} : { field: details.field }),
    ...(details.retryAfterMs === undefined ? {} : { retryAfterMs: details.retryAfterMs }),
    state: result.state,
  };
}

/**
 * A rejection as the transaction result the HTTP and WebSocket paths have
 * always answered with (status REJECTED and the reason). Without a state (an
 * unreadable key: no trader) it needs one given, else there is none.
 */
export function rejectionAsTxnResult(rejection: TxnRejection, fallbackState?: TraderState): TxnResult | undefined {
  const state = rejection.state ?? fallbackState;
  if (state === undefined) return undefined;
  return { txnId: rejection.txnId, type: rejection.type, state, status: 'REJECTED', reason: rejection.reason };
}

/**
 * An answer read from txn-results or txn-rejections, as the transaction
 * result the HTTP and WebSocket paths answer with (undefined when it cannot
 * be read, or is a rejection with no trader state to show).
 */
export function decodeTxnAnswer(topic: string, raw: RawMessage): TxnResult | undefined {
  if (topic === TOPICS.txnRejections.name) {
    const rejection = decodeTxnRejection(raw);
    return rejection.ok ? rejectionAsTxnResult(rejection.value) : undefined;
  }
  const result = decode(txnResultSchemaForAnswers, raw);
  return result.ok ? result.value : undefined;
}
