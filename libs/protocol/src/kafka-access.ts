/**
 * Who may do what on Kafka, defined once: the secured broker's ACLs, the
 * server's refusal of records it did not write, and signed orders all read
 * it (see the README's "Fair play").
 */
import { ALL_TOPICS, type TopicSpec } from './topics.js';

/**
 * The header of a signed order (`KAFKA_ORDERS=signed`): lowercase hex of
 * HMAC-SHA256, keyed by the trader's token, over the record's value bytes.
 */
export const ORDER_SIGNATURE_HEADER = 'banana-signature';

/**
 * The header the server puts on every record it writes to Kafka: HMAC-SHA256
 * keyed by the game's server secret over the topic, key and value. A record
 * on a topic only the server writes is believed (restored, shown) only with it.
 */
export const SERVER_SIGNATURE_HEADER = 'banana-server';

/** How far a signed order's `time` may be from the server's clock: an older one cannot be replayed once its txnId is forgotten. */
export const SIGNED_ORDER_MAX_SKEW_MS = 60_000;

/**
 * The prefix of every consumer group and transactional id the server uses:
 * players may not join those groups (they would take the server's tasks) nor
 * use those transactional ids (they would fence the server's producers).
 */
export const SERVER_RESOURCE_PREFIX = 'banana-market';

/** The SASL user the project's secured broker makes for the server, and the one players share. */
export const SERVER_KAFKA_USER = 'banana-market';
export const PLAYER_KAFKA_USER = 'player';

/**
 * What every topic, consumer group and changelog of a participant's `npm run exercises -- --live N`
 * starts with (live-NAME-TOPIC): players may create, write and read topics with this prefix — their
 * own chapter's outputs on the game's broker. Players share one Kafka user, so one participant's
 * topics are not guarded from another's: a workshop's trust, as for consumer groups.
 */
export const LIVE_TOPIC_PREFIX = 'live-';

const names = (topics: readonly TopicSpec[]): readonly string[] => Object.freeze(topics.map((t) => t.name));

/** The topics players write: the action topics and the gibbs. */
export const PLAYER_WRITABLE_TOPICS = names(ALL_TOPICS.filter((t) => t.players === 'write'));
/** The topics players read: those they write and what the game publishes. */
export const PLAYER_READABLE_TOPICS = names(ALL_TOPICS.filter((t) => t.players !== 'none'));
/** The topics only the server writes: a record there without the server's signature is a forgery. */
export const SERVER_WRITTEN_TOPICS = names(ALL_TOPICS.filter((t) => t.players !== 'write'));

/** KAFKA_ORDERS: `open` (whoever writes an order under a trader's key plays it, as in 2018) or `signed`. */
export const KAFKA_ORDER_MODES = ['open', 'signed'] as const;
export type KafkaOrderMode = (typeof KAFKA_ORDER_MODES)[number];
