/**
 * Where a game lives between two runs of the server: the compacted
 * game-changelog topic (the game's record, accounts, plantations in flight,
 * recent investments, txnId memory), written with the results it explains —
 * in one Kafka transaction, or one batch of the embedded bus — and read back
 * before anything is consumed.
 */
import {
  changelogKey,
  decodeChangelog,
  encodeChangelog,
  TOPICS,
  type AccountRecord,
  type ChangelogEntry,
  type GameRecord,
  type RecentInvestmentRecord,
  type ReturnRecord,
  type TraderKey,
  type TraderState,
  type TxnMemoryRecord,
} from '@banana-market/protocol';
import type { GameSave } from '@banana-market/engine';
import type { BusMessage, MessageBus, OutgoingMessage } from '../bus/message-bus.js';
import { type PublishAtCommit, RecordCache } from './record-cache.js';
import type { StateCipher } from './state-cipher.js';

/** The stored game cannot be read: the server must not guess, it says what to do and stops. */
export class UnrecoverableStateError extends Error {
  override readonly name = 'UnrecoverableStateError';
}

export interface LoadedGame {
  /** The stored game, or undefined when there is none (a first start). */
  readonly save: GameSave | undefined;
  /** The key bytes each restored trader's answers go out under (its latest order's). */
  readonly keyBytes: readonly { trader: TraderKey; key: Buffer }[];
  /** Every live key of the changelog, for a fresh start to delete. */
  readonly keys: readonly Buffer[];
}

/** A trader's state as an entry of the changelog, with the key bytes its answers go out under. */
export function accountEntry(trader: TraderKey, state: TraderState, keyBytes: string | Uint8Array): ChangelogEntry {
  // The compact key (a string here) is the default: only other spellings are stored.
  const keyBase64 = typeof keyBytes === 'string' ? undefined : Buffer.from(keyBytes).toString('base64');
  return { store: 'account', key: changelogKey.account(trader), value: { trader, state, ...(keyBase64 === undefined ? {} : { keyBase64 }) } };
}

const FRESH_START = 'to start a new game instead, run `npm start -- --fresh`';

/** Where a store's entries go: a changelog topic, and for a task's store the task's partition of it. */
export interface ChangelogPlace {
  readonly topic: string;
  readonly partition?: number;
}

/** How a store hands messages to the bus: a task's transaction, or the bus itself. */
export type Publish = (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;

export class GameStateStore {
  /** With publishAtCommit: the entries of the transaction being built, latest per key (null: a tombstone). */
  private readonly cache: RecordCache<string | Buffer, ChangelogEntry | null> | undefined;

  /** `publishAtCommit`: defer encoding to the commit, where only each key's latest entry is written (see RecordCache). */
  constructor(
    private readonly bus: MessageBus,
    private readonly cipher: StateCipher,
    private readonly place: ChangelogPlace = { topic: TOPICS.gameChangelog.name },
    private readonly publish: Publish = (topic, messages) => bus.publish(topic, messages),
    publishAtCommit?: PublishAtCommit,
  ) {
    this.cache =
      publishAtCommit === undefined
        ? undefined
        : new RecordCache(publishAtCommit, place.topic, (entries) => entries.map(({ key, value }) => this.encoded(key, value)));
  }

  /** Hands the entries to the bus now (not awaited: on Kafka they join the transaction of the events beside them). */
  write(entries: readonly ChangelogEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const { cache } = this;
    if (cache !== undefined) {
      // Every set of one transaction returns its one publication: no array of them on this path (every order).
      let committed!: Promise<void>;
      for (const entry of entries) committed = cache.set(entry.key, entry.key, entry);
      return committed;
    }
    return this.publish(
      this.place.topic,
      entries.map((entry) => this.encoded(entry.key, entry)),
    );
  }

  private encoded(key: string | Buffer, entry: ChangelogEntry | null): OutgoingMessage {
    if (entry === null) return this.placed(key, null);
    const value = encodeChangelog(entry);
    return this.placed(key, entry.store === 'game' && value !== null ? this.cipher.seal(value) : value);
  }

  private placed(key: string | Buffer, value: string | Uint8Array | null): OutgoingMessage {
    return this.place.partition === undefined ? { key, value } : { key, value, partition: this.place.partition };
  }

  /** The stored game of this place. */
  async load(): Promise<LoadedGame> {
    const { partition, topic } = this.place;
    const messages = await this.bus.readTopic(topic, partition === undefined ? undefined : { partitions: [partition] });
    return this.loadFrom(messages.filter((m) => partition === undefined || m.partition === partition));
  }

  /** The stored game in these messages of the place's topic (one partition's), oldest first. */
  loadFrom(messages: readonly BusMessage[]): LoadedGame {
    const latest = new Map<string, BusMessage>();
    for (const message of messages) {
      const key = message.key?.toString('utf8') ?? '';
      if (message.value === null) latest.delete(key);
      else latest.set(key, message);
    }
    const keys = [...latest.values()].map((m) => m.key).filter((k): k is Buffer => k !== null);
    let game: GameRecord | undefined;
    const returns: ReturnRecord[] = [];
    const recent: RecentInvestmentRecord[] = [];
    const txns: TxnMemoryRecord[] = [];
    const accounts: AccountRecord[] = [];
    for (const message of latest.values()) {
      const store = decodeChangelog.store(message.key);
      if (!store.ok) throw this.unreadable(message, store.error.message);
      if (store.value === 'game') {
        game = this.openGameRecord(message);
        continue;
      }
      const record = decodeChangelog[store.value](message.value);
      if (!record.ok) throw this.unreadable(message, record.error.message);
      if (store.value === 'return') returns.push(record.value as ReturnRecord);
      else if (store.value === 'recent') recent.push(record.value as RecentInvestmentRecord);
      else if (store.value === 'txn') txns.push(record.value as TxnMemoryRecord);
      else accounts.push(record.value as AccountRecord);
    }
    if (game === undefined) return { save: undefined, keyBytes: [], keys };
    return {
      save: { game, returns, recent, txns, accounts: accounts.map(({ trader, state }) => ({ trader, state })) },
      keyBytes: accounts.flatMap(({ trader, keyBase64 }) => (keyBase64 === undefined ? [] : [{ trader, key: Buffer.from(keyBase64, 'base64') }])),
      keys,
    };
  }

  private openGameRecord(message: BusMessage): GameRecord {
    const plaintext = this.cipher.open(message.value as Buffer);
    if (plaintext === undefined) {
      throw new UnrecoverableStateError(
        `the saved game on ${message.topic} is sealed with another key than this server's (state.key in DATA_DIR, ` +
          `or ADMIN_TOKEN without one): start the server with the DATA_DIR and ADMIN_TOKEN that saved it, or ${FRESH_START}`,
      );
    }
    const record = decodeChangelog.game(plaintext);
    if (!record.ok) throw this.unreadable(message, record.error.message);
    return record.value;
  }

  private unreadable(message: BusMessage, problem: string): UnrecoverableStateError {
    return new UnrecoverableStateError(
      `the saved game on ${message.topic} cannot be read (offset ${message.offset}, key ${message.key?.toString('utf8') ?? 'null'}: ${problem}); ${FRESH_START}`,
    );
  }
}
