/**
 * The game's own state, as the server keeps it in the compacted
 * `game-changelog` topic (Kafka Streams' changelog model): written in the
 * same transaction as the results it explains, read back before any input is
 * consumed after a restart: everything a game is.
 *
 * Keys are JSON strings, one per stored entry:
 * - `"game"`: the lifecycle, the market and the random streams (GameRecord);
 * - `"return/<seq>"`: a plantation in flight (ReturnRecord), a tombstone once paid;
 * - `"recent/<seq>"`: an investment within the market's saturation window
 *   (RecentInvestmentRecord), a tombstone once it left the window — apart
 *   from the game record, which is written on every tick and must stay small;
 * - `"account/<team>/<name>"`: a trader's state and the key bytes it is answered
 *   under (AccountRecord) — one key per trader, whichever key spelling its
 *   orders use, so a restore never has to guess which state is the newest;
 * - `"txn/<team>/<name>/<txnId>"`: what a txnId was answered (TxnMemoryRecord),
 *   so an order re-sent after a restart is answered, not applied twice; a
 *   tombstone once it leaves the trader's memory.
 *
 * Not a participant's wire format: only the server reads it.
 */
import { z } from 'zod';
import { decode, type DecodeResult, type RawMessage, traderId } from './codec.js';
import { traderKeySchema, traderStateSchema, txnResultSchema, type TraderKey } from './schemas.js';

/** seedrandom's ARC4 state: enough to continue a stream exactly where it was. */
export const randomStateSchema = z.object({ i: z.number().int(), j: z.number().int(), S: z.array(z.number().int()).length(256) });
export type RandomState = z.infer<typeof randomStateSchema>;

const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const epochMs = z.number().int();

export const marketRecordSchema = z.object({
  basePrice: finite,
  fundamental: finite,
  hype: finite,
  ema: finite,
  tick: z.number().int().nonnegative(),
  lastTickTime: epochMs,
  nextTickAt: epochMs,
  alreadyBurst: finite,
  burst: z.object({ nextStep: z.number().int().nonnegative(), nextStepAt: epochMs }).nullable(),
  totalInvested: finite,
  /** The running sum of the recent investments (kept, not re-summed, so a restored engine computes the same float). */
  recentInvestedCoins: finite,
  /** [trader id, coins] each trader has growing, running sums like recentInvestedCoins. */
  growingCoins: z.array(z.tuple([z.string(), finite])),
  /** [author, times] of the gibbs that moved the hype within the author window. */
  authorGibbTimes: z.array(z.tuple([z.string(), z.array(epochMs)])),
  nextReturnSeq: z.number().int().nonnegative(),
  random: z.object({ price: randomStateSchema, fundamental: randomStateSchema, burst: randomStateSchema, invest: randomStateSchema }),
});
export type MarketRecord = z.infer<typeof marketRecordSchema>;

export const gameRecordSchema = z.object({
  /** Secret until the game ends, like everything on this topic it is never shown to players. */
  seed: z.string().min(1),
  seedRevealed: z.boolean(),
  phase: z.enum(['lobby', 'running', 'paused', 'ended']),
  /** When the game was paused (phase paused), or the lobby opened (phase lobby), ms since the epoch. */
  pausedAt: epochMs,
  /**
   * When the game ends by itself (GAME_DURATION), ms since the epoch: while paused, when it would have
   * ended had it not been paused (a resume moves it by the pause); null: no end, or not started (lobby).
   */
  endsAt: epochMs.nullable().default(null),
  /** The game's length (GAME_DURATION, plus what the coach extended it by); null: no end. */
  durationMs: z.number().int().nonnegative().nullable().default(null),
  /** When play began (GAME_STARTED: at start, or out of the lobby; a reset's new game at the reset); null: in the lobby. */
  beganAt: epochMs.nullable().default(null),
  /** When the game ended (on time, or by the coach); null: not ended. */
  endedAt: epochMs.nullable().default(null),
  /** When this game started (or was reset): trader states older than this are an earlier game's. */
  startedAt: epochMs,
  /** The game clock when this record was written. */
  savedAt: epochMs,
  market: marketRecordSchema,
});
export type GameRecord = z.infer<typeof gameRecordSchema>;

export const returnRecordSchema = z.object({
  seq: z.number().int().nonnegative(),
  dueAt: epochMs,
  trader: traderKeySchema,
  txnId: z.string(),
  invested: finite,
  payout: finite,
});
export type ReturnRecord = z.infer<typeof returnRecordSchema>;

export const recentInvestmentRecordSchema = z.object({
  /** The plantation's seq (as in its ReturnRecord). */
  seq: z.number().int().nonnegative(),
  at: epochMs,
  coins: finite,
});
export type RecentInvestmentRecord = z.infer<typeof recentInvestmentRecordSchema>;

export const accountRecordSchema = z.object({
  trader: traderKeySchema,
  state: traderStateSchema,
  /** The key bytes (base64) the trader's answers go out under, when not its compact key: its latest order's. */
  keyBase64: z.string().optional(),
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;

export const txnMemoryRecordSchema = z.object({
  trader: traderKeySchema,
  txnId: z.string(),
  /** Order of remembering, across traders: the oldest leaves a full memory first. */
  seq: z.number().int().nonnegative(),
  results: z.array(txnResultSchema).min(1),
});
export type TxnMemoryRecord = z.infer<typeof txnMemoryRecordSchema>;

/** The stored entries of a game, as the engine hands them to its host and takes them back. */
export interface GameChangelog {
  readonly game: GameRecord;
  readonly returns: readonly ReturnRecord[];
  readonly recent: readonly RecentInvestmentRecord[];
  readonly txns: readonly TxnMemoryRecord[];
}

/** One entry to write: a value, or null to delete the key (a tombstone). */
export type ChangelogEntry =
  | { readonly store: 'game'; readonly key: string; readonly value: GameRecord }
  | { readonly store: 'return'; readonly key: string; readonly value: ReturnRecord | null }
  | { readonly store: 'recent'; readonly key: string; readonly value: RecentInvestmentRecord | null }
  | { readonly store: 'txn'; readonly key: string; readonly value: TxnMemoryRecord | null }
  | { readonly store: 'account'; readonly key: string; readonly value: AccountRecord };

export const changelogKey = {
  game: (): string => JSON.stringify('game'),
  return: (seq: number): string => JSON.stringify(`return/${seq}`),
  recent: (seq: number): string => JSON.stringify(`recent/${seq}`),
  account: (trader: TraderKey): string => JSON.stringify(`account/${traderId(trader)}`),
  txn: (trader: TraderKey, txnId: string): string => JSON.stringify(`txn/${traderId(trader)}/${txnId}`),
};

/** A game record is a few kB, more with many recent investments: far above an order's limit. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const storeOfKey = z.string().regex(/^(game|return\/\d+|recent\/\d+|account\/.+|txn\/.+)$/, {
  message: 'expected "game", "return/<seq>", "recent/<seq>", "account/<trader>" or "txn/<trader>/<txnId>"',
});

export const decodeChangelog = {
  /** Which store a key belongs to ("game", "return" or "txn"). */
  store: (raw: RawMessage): DecodeResult<ChangelogEntry['store']> => {
    const key = decode(storeOfKey, raw, 'key');
    if (!key.ok) return key;
    return {
      ok: true,
      value: key.value === 'game' ? 'game' : (key.value.slice(0, key.value.indexOf('/')) as Exclude<ChangelogEntry['store'], 'game'>),
    };
  },
  game: (raw: RawMessage) => decode(gameRecordSchema, raw, '(value)', false, MAX_RECORD_BYTES),
  return: (raw: RawMessage) => decode(returnRecordSchema, raw, '(value)', false, MAX_RECORD_BYTES),
  recent: (raw: RawMessage) => decode(recentInvestmentRecordSchema, raw, '(value)', false, MAX_RECORD_BYTES),
  account: (raw: RawMessage) => decode(accountRecordSchema, raw, '(value)', false, MAX_RECORD_BYTES),
  txn: (raw: RawMessage) => decode(txnMemoryRecordSchema, raw, '(value)', false, MAX_RECORD_BYTES),
};

export const encodeChangelog = (entry: ChangelogEntry): string | null => (entry.value === null ? null : JSON.stringify(entry.value));
