/** What chapter 14 gives you: the topics, the store's name, which results count, and the settings the app runs with. */
import type { ProcessingGuarantee } from '@banana-market/exercises';
import { TOPICS, type TraderKey, type TxnResult, type TxnStatus, type TxnType } from '@banana-market/protocol';

export type { ProcessingGuarantee, TraderKey, TxnResult, TxnStatus, TxnType };

/** The market's answer to each order, and its payouts (bailouts, plantation returns), keyed by trader: `{txnId, type, state, status, reason?}`. */
export const RESULTS_TOPIC = TOPICS.txnResults.name;
/** Each trader's running count of accepted orders, keyed by trader. */
export const ACCEPTED_ORDERS_TOPIC = 'kata-14-accepted-orders';
/** The store of the counts: trader key → accepted orders so far. */
export const ACCEPTED_ORDERS_STORE = 'accepted-orders';

/** The results that answer a trader's own order; BAILOUT and RETURN are the market paying out, not orders. */
export const ORDER_TYPES: readonly TxnType[] = ['MARKET', 'INVEST', 'FEED'];

/** Whether a result is an order of the trader that the market accepted. */
export function isAcceptedOrder(result: TxnResult): boolean {
  return result.status === 'ACCEPTED' && ORDER_TYPES.includes(result.type);
}

/** The settings the app runs with on a broker, as Kafka Streams' properties (`processing.guarantee`). */
export interface StreamsSettings {
  processingGuarantee: ProcessingGuarantee;
}
