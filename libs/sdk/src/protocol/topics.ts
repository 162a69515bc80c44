/**
 * The Kafka topics of the game. The first seven are the 2018 workshop's wire
 * format and must keep their names and partition counts so that its traders
 * still play; the last two are this game's additions.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Kafka topic configs applied when the server creates the topic. */
  readonly config: Readonly<Record<string, string>>;
}

function topic(name: string, partitions: number, config: Record<string, string> = {}): TopicSpec {
  return Object.freeze({ name, partitions, config: Object.freeze(config) });
}

export const TOPICS = Object.freeze({
  sharePrice: topic('share-price', 1),
  gibberGibbs: topic('gibber-gibbs', 1),
  marketOrders: topic('market-orders', 8),
  investmentOrders: topic('investment-orders', 8),
  feedMonkeys: topic('feed-monkeys', 8),
  txnResults: topic('txn-results', 8),
  traderStates: topic('trader-states', 8, { 'cleanup.policy': 'compact' }),
  gameEvents: topic('game-events', 1),
  deadLetters: topic('dead-letters', 1),
});

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]['name'];

export const ALL_TOPICS: readonly TopicSpec[] = Object.freeze(Object.values(TOPICS));

/** The topics players write their actions to, in the order the server consumes them. */
export const ACTION_TOPICS = Object.freeze([
  TOPICS.marketOrders,
  TOPICS.investmentOrders,
  TOPICS.feedMonkeys,
] as const);

/** Single-stream topics (price, gibbs, game events) use this JSON string key. */
export const SINGLE_STREAM_KEY = 'GNOU';
