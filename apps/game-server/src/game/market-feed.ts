/**
 * What a server that does not lead the market reads of it: the leader's game
 * record (sealed, on game-changelog: the price, the hype, the lifecycle) and
 * every task's plantation load (plantation-loads). Watchers only — nothing is
 * committed; at start each topic is read to its end first.
 */
import { Logger } from '@nestjs/common';
import { changelogKey, decodeChangelog, TOPICS, type GameRecord } from '@banana-market/protocol';
import type { BusMessage, MessageBus } from '../bus/message-bus.js';
import { TopicFollower } from '../read-models/topic-follower.js';
import type { StateCipher } from '../state/state-cipher.js';
import type { PlantationLoads } from './plantation-loads.js';

const GAME_KEY = changelogKey.game();

export class MarketFeed {
  private readonly logger = new Logger('MarketFeed');
  private readonly loadsFollower: TopicFollower;
  private readonly recordFollower: TopicFollower;
  /** While reading the game record's history at start, only the latest one is handed over. */
  private loading: GameRecord | undefined;
  private loaded = false;

  constructor(
    bus: MessageBus,
    private readonly cipher: StateCipher,
    loads: PlantationLoads,
    private readonly onRecord: (record: GameRecord) => void,
  ) {
    this.loadsFollower = new TopicFollower(bus, TOPICS.plantationLoads.name, 'banana-market-loads-watch', (m) => loads.receive(m));
    this.recordFollower = new TopicFollower(bus, TOPICS.gameChangelog.name, 'banana-market-market-watch', (m) => this.receive(m));
  }

  /** Reads both topics to their end (the latest record is handed over), then follows them. */
  async start(): Promise<void> {
    await this.loadsFollower.load();
    await this.recordFollower.load();
    this.loaded = true;
    if (this.loading !== undefined) this.onRecord(this.loading);
    await this.loadsFollower.follow();
    await this.recordFollower.follow();
  }

  async stop(): Promise<void> {
    await Promise.all([this.loadsFollower.close(), this.recordFollower.close()]);
  }

  private receive(message: BusMessage): void {
    const record = this.gameRecord(message);
    if (record === undefined) return;
    if (this.loaded) this.onRecord(record);
    else this.loading = record;
  }

  /** The game record a message holds, or undefined (another entry, a tombstone, another key's seal). */
  private gameRecord(message: BusMessage): GameRecord | undefined {
    if (message.value === null || message.key?.toString('utf8') !== GAME_KEY) return undefined;
    const plaintext = this.cipher.open(message.value);
    if (plaintext === undefined) {
      this.logger.error(
        `the game record on ${message.topic} is sealed with another key: every server of a game needs the same ADMIN_TOKEN (or state.key)`,
      );
      return undefined;
    }
    const record = decodeChangelog.game(plaintext);
    return record.ok ? record.value : undefined;
  }
}
