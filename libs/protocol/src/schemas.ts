/**
 * zod schemas for every key and value of the wire protocol (docs/design.md). Object
 * schemas strip unknown fields: "unknown fields are ignored on input".
 */
import { z } from 'zod';
import { PROTOCOL_LIMITS as L } from './limits.js';

export const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 date-time string' });

const HAS_ZONE = /(?:[Zz]|[+-]\d\d(?::?\d\d)?)$/;

/**
 * An order's optional `time`: an ISO-8601 date-time with a zone, or without
 * one — what Python's `datetime.utcnow().isoformat()` and Java's
 * `LocalDateTime` write — read as UTC, as the 2018 server's Joda parser did
 * (`2026-12-03T08:00:00` is `2026-12-03T08:00:00Z`). The server stamps its own
 * time on what it executes; this only decides which orders are readable.
 */
export const orderTime = z.iso
  .datetime({ offset: true, local: true, message: 'expected an ISO-8601 date-time string (UTC when it has no zone)' })
  .transform((time) => (HAS_ZONE.test(time) ? time : `${time}Z`));

const count = (what: string) =>
  z
    .number({ message: `expected an integer number of ${what}` })
    .int({ message: `expected an integer number of ${what}` })
    .min(1, { message: `expected at least 1 ${what.replace(/s$/, '')}` })
    .max(L.maxUnitsPerAction, { message: `expected at most ${L.maxUnitsPerAction} ${what}` });

export const traderKeySchema = z.object({
  team: z.string({ message: 'expected a string' }).regex(L.teamPattern, {
    message: 'expected 1-32 characters among A-Z a-z 0-9 _ -',
  }),
  name: z.string({ message: 'expected a string' }).regex(L.namePattern, {
    message: 'expected 1-64 characters among A-Z a-z 0-9 _ . -',
  }),
});
export type TraderKey = z.infer<typeof traderKeySchema>;

export const singleStreamKeySchema = z.string();

export const txnIdSchema = z
  .string({ message: 'expected a transaction id string' })
  .min(1, { message: 'expected a non-empty transaction id' })
  .max(L.maxTxnIdLength, { message: `expected at most ${L.maxTxnIdLength} characters` });

export const marketOrderTypeSchema = z.enum(['BUY', 'SELL'], { message: 'expected "BUY" or "SELL"' });
export type MarketOrderType = z.infer<typeof marketOrderTypeSchema>;

export const marketOrderSchema = z.object({
  time: orderTime.optional(),
  txnId: txnIdSchema,
  type: marketOrderTypeSchema,
  shares: count('shares'),
});
export type MarketOrder = z.infer<typeof marketOrderSchema>;

export const investmentOrderSchema = z.object({
  time: orderTime.optional(),
  txnId: txnIdSchema,
  invested: z
    .number({ message: 'expected a number of coins' })
    .positive({ message: 'expected a number of coins greater than 0' })
    .max(L.maxCoinsPerAction, { message: `expected at most ${L.maxCoinsPerAction} coins` }),
});
export type InvestmentOrder = z.infer<typeof investmentOrderSchema>;

export const feedMonkeysSchema = z.object({
  time: orderTime.optional(),
  txnId: txnIdSchema,
  monkeys: count('monkeys'),
});
export type FeedMonkeysOrder = z.infer<typeof feedMonkeysSchema>;

export const traderStateSchema = z.object({
  time: isoTime,
  coins: z.number(),
  shares: z.number().int(),
  bailouts: z.number().int().nonnegative(),
  fedMonkeys: z.number().int().nonnegative(),
  inFlightInvestments: z.number().int().nonnegative(),
});
export type TraderState = z.infer<typeof traderStateSchema>;

export const TXN_TYPES = ['MARKET', 'INVEST', 'FEED', 'BAILOUT', 'RETURN'] as const;
export const txnTypeSchema = z.enum(TXN_TYPES);
export type TxnType = z.infer<typeof txnTypeSchema>;

export const TXN_STATUSES = ['ACCEPTED', 'INSUFFICIENT_COINS', 'INSUFFICIENT_SHARES', 'REJECTED'] as const;
export const txnStatusSchema = z.enum(TXN_STATUSES);
export type TxnStatus = z.infer<typeof txnStatusSchema>;

export const txnResultSchema = z.object({
  txnId: z.string(),
  type: txnTypeSchema,
  state: traderStateSchema,
  status: txnStatusSchema,
  reason: z.string().optional(),
});
export type TxnResult = z.infer<typeof txnResultSchema>;

export const sharePriceSchema = z.object({
  time: isoTime,
  coins: z.number().positive(),
  forecast: z.number(),
});
export type SharePrice = z.infer<typeof sharePriceSchema>;

export const gibbSchema = z.object({
  id: z
    .string({ message: 'expected a string id' })
    .min(1, { message: 'expected a non-empty id' })
    .max(L.maxGibbIdLength, { message: `expected at most ${L.maxGibbIdLength} characters` }),
  time: isoTime,
  text: z
    .string({ message: 'expected the text of the gibb' })
    .min(1, { message: 'expected a non-empty text' })
    .max(L.maxGibbLength, { message: `expected at most ${L.maxGibbLength} characters` }),
});
export type Gibb = z.infer<typeof gibbSchema>;

/** `lobby`: registered and connected, waiting for the coach to start the game (GAME_START=manual). */
export const GAME_STATUSES = ['lobby', 'running', 'paused', 'ended'] as const;
export const gameStatusSchema = z.enum(GAME_STATUSES);
export type GameStatus = z.infer<typeof gameStatusSchema>;

/**
 * The commitment to a game's seed: the lowercase hex SHA-256 of the seed's
 * UTF-8 bytes. Published while the game runs (the seed itself stays secret),
 * so that the seed revealed at the end can be checked against it.
 */
export const seedCommitmentSchema = z
  .string({ message: 'expected the seed commitment string' })
  .regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex characters (a SHA-256)' });

/**
 * Game events: what a spectator sees as banners, and what a coach did. The
 * seed is secret until the game ends: start and reset publish its commitment,
 * the end reveals it.
 */
export const gameEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('GAME_STARTED'), time: isoTime, seedCommitment: seedCommitmentSchema }),
  z.object({ type: z.literal('GAME_PAUSED'), time: isoTime }),
  z.object({ type: z.literal('GAME_RESUMED'), time: isoTime }),
  z.object({ type: z.literal('GAME_RESET'), time: isoTime, seedCommitment: seedCommitmentSchema }),
  z.object({ type: z.literal('GAME_ENDED'), time: isoTime, seed: z.string(), seedCommitment: seedCommitmentSchema }),
  /** The coach gave the game more time: its new end (if it went on now, while paused or in the lobby). */
  z.object({ type: z.literal('GAME_EXTENDED'), time: isoTime, minutes: z.number().positive(), endsAt: isoTime }),
  z.object({ type: z.literal('HYPE_CHANGED'), time: isoTime, gibbId: z.string(), delta: z.number(), hype: z.number() }),
  z.object({ type: z.literal('BUBBLE_BURST_STARTED'), time: isoTime, hype: z.number(), steps: z.number().int() }),
  z.object({
    type: z.literal('BUBBLE_BURST_STEP'),
    time: isoTime,
    step: z.number().int(),
    steps: z.number().int(),
    factor: z.number(),
    hype: z.number(),
  }),
  z.object({ type: z.literal('BAILOUT'), time: isoTime, trader: traderKeySchema, bailouts: z.number().int() }),
]);
export type GameEvent = z.infer<typeof gameEventSchema>;
export type GameEventType = GameEvent['type'];

/** What the server writes to the dead-letter topic for a message it could not parse. */
export const deadLetterSchema = z.object({
  time: isoTime,
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  reason: z.string(),
  /** The raw bytes, base64, exactly as they arrived (null when absent), cut at maxDeadLetterRawBytes. */
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** Sizes of what arrived, in bytes, and whether key or value was cut. */
  keyBytes: z.number().int().nonnegative(),
  valueBytes: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/**
 * A registration as kept on trader-registrations: never the token itself, only
 * its SHA-256. When the coach removes the trader, its record is written again
 * with `removedAt`: the token stops working and the name stays taken.
 */
export const traderRegistrationSchema = z.object({
  time: isoTime,
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a hex SHA-256' }),
  /**
   * What the token was derived from with the game's server secret, so that every server of the game can
   * check the trader's signed Kafka orders; without the secret it tells nothing. Absent before signed orders.
   */
  tokenNonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, { message: 'expected 16-64 base64url characters' })
    .optional(),
  removedAt: isoTime.optional(),
});
export type TraderRegistration = z.infer<typeof traderRegistrationSchema>;

/**
 * A team the coach created for registration with join codes (REGISTRATION=codes), kept on
 * trader-registrations beside the traders under the key `{"team":"…"}`. Never its code:
 * every server derives the code from its secret key.
 */
export const teamKeySchema = traderKeySchema.pick({ team: true }).strict();
export type TeamKey = z.infer<typeof teamKeySchema>;
export const teamRecordSchema = z.object({ time: isoTime });
export type TeamRecord = z.infer<typeof teamRecordSchema>;
