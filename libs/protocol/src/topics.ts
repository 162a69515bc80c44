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
  /**
   * What players may do with it (the secured broker's ACLs, see kafka-access.ts): `write` (and read) the
   * action topics and the gibbs, `read` what the game publishes, `none` for what the server keeps to itself.
   * Every topic but the `write` ones is written by the server alone.
   */
  readonly players: PlayerAccess;
}

export type PlayerAccess = 'write' | 'read' | 'none';

function topic(name: string, partitions: number, players: PlayerAccess, config: Record<string, string> = {}): TopicSpec {
  return Object.freeze({ name, partitions, players, config: Object.freeze(config) });
}

/**
 * Action topics accept messages far above what the server parses (16 KiB),
 * so that an oversized order reaches the server and is answered with a clear
 * REJECTED and a dead letter, instead of failing in the player's producer
 * against Kafka's 1 MB default.
 */
const ACTION_TOPIC_CONFIG = { 'max.message.bytes': String(4 * 1024 * 1024) };

/** The action topics' partition count (the 2018 wire format's): one task per partition. */
export const ACTION_PARTITIONS = 8;

const CHANGELOG_CONFIG = {
  'cleanup.policy': 'compact',
  // Small segments, cleaned early: a restart reads this topic whole, and the active segment is never compacted.
  'segment.ms': String(10 * 60_000),
  'segment.bytes': String(16 * 1024 * 1024),
  'min.cleanable.dirty.ratio': '0.2',
};

export const TOPICS = Object.freeze({
  sharePrice: topic('share-price', 1, 'read'),
  gibberGibbs: topic('gibber-gibbs', 1, 'write'),
  marketOrders: topic('market-orders', ACTION_PARTITIONS, 'write', ACTION_TOPIC_CONFIG),
  investmentOrders: topic('investment-orders', ACTION_PARTITIONS, 'write', ACTION_TOPIC_CONFIG),
  feedMonkeys: topic('feed-monkeys', ACTION_PARTITIONS, 'write', ACTION_TOPIC_CONFIG),
  txnResults: topic('txn-results', 8, 'read'),
  /**
   * Answers to orders the server could not take (a bad field, an unreadable
   * key, a paused game, a team not in the room), keyed by the order's own key
   * bytes. Apart from txn-results, whose status a 2018 client reads as a
   * closed enum of the three 2018 statuses.
   */
  txnRejections: topic('txn-rejections', 8, 'read'),
  traderStates: topic('trader-states', 8, 'read', { 'cleanup.policy': 'compact' }),
  gameEvents: topic('game-events', 1, 'read'),
  deadLetters: topic('dead-letters', 1, 'none'),
  /** Who registered, with a hash of their token, so a restarted server still knows its players. */
  traderRegistrations: topic('trader-registrations', 1, 'none', { 'cleanup.policy': 'compact' }),
  /**
   * The game's state beside the accounts (market, lifecycle, plantations in
   * flight, txnId memory), written in the same transactions as the results
   * and read back before anything is consumed after a restart (see
   * game-changelog.ts). One partition: one game.
   */
  gameChangelog: topic('game-changelog', 1, 'none', CHANGELOG_CONFIG),
  /**
   * The state of each task (see docs/design.md, "Running several servers"):
   * partition p holds what task p owns — the accounts, plantations, recent
   * investments and txnId memory of the traders whose orders land on
   * partition p of the action topics, and the task's own record (its random
   * stream). Read back by whichever server is assigned the task, before it
   * consumes anything.
   */
  taskChangelog: topic('task-changelog', ACTION_PARTITIONS, 'none', CHANGELOG_CONFIG),
  /**
   * Kafka Streams' repartition topic: an order written under another
   * spelling of its trader's key lands on another partition than the
   * trader's task; that task forwards it here, to partition p of the
   * trader's home task, in the transaction that consumed it (the order's
   * topic, key and value in an envelope, see market-control.ts). Read with
   * the action topics by the same tasks; never by players.
   */
  actionRepartition: topic('action-repartition', ACTION_PARTITIONS, 'none'),
  /**
   * The coach's commands (pause, resume, end, reset), sealed, for the market
   * leader: whichever server owns this topic's one partition in the market
   * group leads the market (see MARKET_GROUP).
   */
  gameCommands: topic('game-commands', 1, 'none'),
  /**
   * Each task's plantation load (coins planted within the saturation window,
   * and ever), keyed by task: the plantation rule's "coins invested in the
   * game" is the sum over all tasks.
   */
  plantationLoads: topic('plantation-loads', 1, 'none', { 'cleanup.policy': 'compact' }),
});

/** The consumer group of the action topics: its members share the tasks. */
export const ACTION_GROUP = 'banana-market-actions';
/** The consumer group whose owner of game-commands' (and gibber-gibbs') partition 0 leads the market. */
export const MARKET_GROUP = 'banana-market-market';

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]['name'];

export const ALL_TOPICS: readonly TopicSpec[] = Object.freeze(Object.values(TOPICS));

/** Single-stream topics (price, gibbs, game events) use this JSON string key. */
export const SINGLE_STREAM_KEY = 'GNOU';
