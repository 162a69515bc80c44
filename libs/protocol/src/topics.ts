/**
 * The Kafka topics of the game. The first seven are the 2018 workshop's wire
 * format and must keep their names and partition counts so that its traders
 * still play; the others are this game's additions.
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

/**
 * Action topics accept messages far above what the server parses (16 KiB),
 * so that an oversized order reaches the server and is answered with a clear
 * REJECTED and a dead letter, instead of failing in the player's producer
 * against Kafka's 1 MB default.
 */
const ACTION_TOPIC_CONFIG = { 'max.message.bytes': String(4 * 1024 * 1024) };

export const TOPICS = Object.freeze({
  sharePrice: topic('share-price', 1),
  gibberGibbs: topic('gibber-gibbs', 1),
  marketOrders: topic('market-orders', 8, ACTION_TOPIC_CONFIG),
  investmentOrders: topic('investment-orders', 8, ACTION_TOPIC_CONFIG),
  feedMonkeys: topic('feed-monkeys', 8, ACTION_TOPIC_CONFIG),
  txnResults: topic('txn-results', 8),
  /**
   * Answers to orders the server could not take (a bad field, an unreadable
   * key, a paused game, a team not in the room), keyed by the order's own key
   * bytes. Apart from txn-results, whose status a 2018 client reads as a
   * closed enum of the three 2018 statuses.
   */
  txnRejections: topic('txn-rejections', 8),
  traderStates: topic('trader-states', 8, { 'cleanup.policy': 'compact' }),
  gameEvents: topic('game-events', 1),
  deadLetters: topic('dead-letters', 1),
  /** Who registered, with a hash of their token, so a restarted server still knows its players. */
  traderRegistrations: topic('trader-registrations', 1, { 'cleanup.policy': 'compact' }),
  /**
   * The game's state beside the accounts (market, lifecycle, plantations in
   * flight, txnId memory), written in the same transactions as the results
   * and read back before anything is consumed after a restart (see
   * game-changelog.ts). One partition: one game.
   */
  gameChangelog: topic('game-changelog', 1, {
    'cleanup.policy': 'compact',
    // Small segments, cleaned early: a restart reads this topic whole, and the active segment is never compacted.
    'segment.ms': String(10 * 60_000),
    'segment.bytes': String(16 * 1024 * 1024),
    'min.cleanable.dirty.ratio': '0.2',
  }),
});

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]['name'];

export const ALL_TOPICS: readonly TopicSpec[] = Object.freeze(Object.values(TOPICS));

/** Single-stream topics (price, gibbs, game events) use this JSON string key. */
export const SINGLE_STREAM_KEY = 'GNOU';
