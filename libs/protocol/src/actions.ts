/**
 * The action table: every way a trader acts, once. For each action kind it
 * names the Kafka topic its orders go to, the order's schema and 2018 field
 * order, the HTTP and WebSocket body (the order with `txnId` optional; a
 * `time`, checked like the order's, is replaced by the server's), the HTTP
 * path and WebSocket event, and the txn type of its result. The gateways, the intake's decoder, the result waiter, the engine's
 * dispatch and the SDK's transports are all driven by it: adding an action
 * kind is one entry here plus its rule in the engine.
 */
import type { z } from 'zod';
import { orderedJsonWriter } from './field-order.js';
import {
  feedMonkeysSchema,
  investmentOrderSchema,
  marketOrderSchema,
  txnIdSchema,
  type FeedMonkeysOrder,
  type InvestmentOrder,
  type MarketOrder,
} from './schemas.js';
import { TOPICS, type TopicSpec } from './topics.js';

export interface ActionSpec<K extends string, Order extends { txnId: string; time?: string }> {
  readonly kind: K;
  /** The topic the order is written to, keyed by the trader. */
  readonly topic: TopicSpec;
  /** The txn-results `type` that answers it. */
  readonly txnType: 'MARKET' | 'INVEST' | 'FEED';
  readonly orderSchema: z.ZodType<Order>;
  /**
   * HTTP and WebSocket body: the order with `txnId` optional. An optional
   * `time` is checked by the order's rule and then ignored: the server stamps
   * its own.
   */
  readonly bodySchema: z.ZodType<Omit<Order, 'time' | 'txnId'> & { txnId?: string }>;
  /** `POST /api/actions/<httpPath>` */
  readonly httpPath: string;
  /** The WebSocket event a client sends it with. */
  readonly wsEvent: string;
  /** The order as its topic carries it: JSON in the 2018 field order. */
  encode(order: Order): string;
}

type OrderObjectSchema<Order> = z.ZodType<Order> & z.ZodObject<{ time: z.ZodOptional<z.ZodType<string | undefined>>; txnId: typeof txnIdSchema }>;

/**
 * One entry of the table. The order's fields are written in the order its
 * schema declares them, which is the 2018 order (time, txnId, then the rest).
 */
function defineAction<K extends string, Order extends { txnId: string; time?: string }>(
  kind: K,
  topic: TopicSpec,
  txnType: ActionSpec<K, Order>['txnType'],
  orderSchema: OrderObjectSchema<Order>,
): ActionSpec<K, Order> {
  const fieldOrder = Object.keys(orderSchema.shape) as (keyof Order)[];
  // The body keeps the order's optional `time` rule, so a bad time gets the same verdict on every path; the server stamps its own time anyway.
  const bodySchema = orderSchema.extend({ txnId: txnIdSchema.optional() });
  return Object.freeze({
    kind,
    topic,
    txnType,
    orderSchema,
    bodySchema: bodySchema as unknown as ActionSpec<K, Order>['bodySchema'],
    httpPath: kind,
    wsEvent: kind,
    encode: orderedJsonWriter<Order>(fieldOrder),
  });
}

export const ACTIONS = Object.freeze({
  market: defineAction<'market', MarketOrder>('market', TOPICS.marketOrders, 'MARKET', marketOrderSchema),
  invest: defineAction<'invest', InvestmentOrder>('invest', TOPICS.investmentOrders, 'INVEST', investmentOrderSchema),
  feed: defineAction<'feed', FeedMonkeysOrder>('feed', TOPICS.feedMonkeys, 'FEED', feedMonkeysSchema),
});

type Actions = typeof ACTIONS;
export type ActionKind = keyof Actions;
type OrderOf<K extends ActionKind> = Actions[K] extends ActionSpec<K, infer O> ? O : never;
/** The order an action of kind K carries on its topic. */
export type ActionOrder<K extends ActionKind> = OrderOf<K>;
/** What a client sends over HTTP or WebSocket for an action of kind K. */
export type ActionBodyOf<K extends ActionKind> = z.infer<Actions[K]['bodySchema']>;

/** One trader action, whichever topic (or gateway) it came through. */
export type TraderAction = { [K in ActionKind]: { readonly kind: K; readonly order: OrderOf<K> } }[ActionKind];
/** @deprecated the same as ActionKind */
export type TraderActionKind = ActionKind;
/** An action as a gateway receives it: a body, before the server gives it a time and a txnId. */
export type ActionRequest = { [K in ActionKind]: { readonly kind: K; readonly body: ActionBodyOf<K> } }[ActionKind];
export type ActionTxnType = Actions[ActionKind]['txnType'];

/** The action kinds in the order the server consumes their topics. */
export const ACTION_KINDS = Object.freeze(Object.keys(ACTIONS) as ActionKind[]);
/** Any entry of the table, for code that handles every kind alike. */
export type AnyActionSpec = ActionSpec<ActionKind, MarketOrder | InvestmentOrder | FeedMonkeysOrder>;
export const ACTION_LIST: readonly AnyActionSpec[] = Object.freeze(ACTION_KINDS.map((kind) => ACTIONS[kind] as AnyActionSpec));
/** The topics players write their actions to, in the order the server consumes them. */
export const ACTION_TOPICS: readonly TopicSpec[] = Object.freeze(ACTION_LIST.map((a) => a.topic));
/** The txn types that answer an action (BAILOUT and RETURN follow one under the same txnId). */
export const ACTION_TXN_TYPES: ReadonlySet<string> = new Set(ACTION_LIST.map((a) => a.txnType));

export function isActionKind(kind: unknown): kind is ActionKind {
  return typeof kind === 'string' && Object.hasOwn(ACTIONS, kind);
}

/** The action whose orders travel on this topic, if any. */
export function actionForTopic(topic: string): AnyActionSpec | undefined {
  return ACTION_LIST.find((a) => a.topic.name === topic);
}

export function txnTypeOf(action: TraderAction): ActionTxnType {
  return ACTIONS[action.kind].txnType;
}

/** A gateway's request as the order it becomes, stamped with its time and txnId. */
export function actionFromRequest(request: ActionRequest, txnId: string, time?: string): TraderAction {
  return { kind: request.kind, order: { ...request.body, txnId, time } } as TraderAction;
}

/** The topic and value an action is written as (the key is the trader's). */
export function encodeAction(action: TraderAction): { topic: string; value: string } {
  const spec = ACTIONS[action.kind] as ActionSpec<ActionKind, TraderAction['order']>;
  return { topic: spec.topic.name, value: spec.encode(action.order) };
}
