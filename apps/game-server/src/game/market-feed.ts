/**
 * What a server that does not lead the market reads of it: the leader's game
 * record (sealed, on game-changelog: the price, the hype, the lifecycle) and
 * every task's plantation load (plantation-loads). Watchers only — nothing is
 * committed; at start each topic is read to its end first.
 */
import { Logger } from '@nestjs/common';
import { changelogKey, decodeChangelog, TOPICS, type GameRecord } from '@banana-market/protocol';
import type { BusMessage, MessageBus, Subscription } from '../bus/message-bus.js';
import type { StateCipher } from '../state/state-cipher.js';
import type { PlantationLoads } from './plantation-loads.js';

const GAME_KEY = changelogKey.game();

export class MarketFeed {
  private readonly logger = new Logger('MarketFeed');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly cipher: StateCipher,
    private readonly loads: PlantationLoads,
    private readonly onRecord: (record: GameRecord) => void,
  ) {}

  /** Reads both topics to their end (the latest record is handed over), then follows them. */
  async start(groupSuffix: string): Promise<void> {
    for (const message of await this.bus.readTopic(TOPICS.plantationLoads.name)) this.loads.receive(message);
    let latest: GameRecord | undefined;
    for (const message of await this.bus.readTopic(TOPICS.gameChangelog.name)) latest = this.gameRecord(message) ?? latest;
    if (latest !== undefined) this.onRecord(latest);
    this.subscriptions.push(
      await this.bus.subscribe({
        groupId: `banana-market-market-feed-${groupSuffix}`,
        topics: [TOPICS.gameChangelog.name, TOPICS.plantationLoads.name],
        commitOffsets: false,
        onMessage: (message) => this.receive(message),
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  private receive(message: BusMessage): void {
    if (message.topic === TOPICS.plantationLoads.name) {
      this.loads.receive(message);
      return;
    }
    const record = this.gameRecord(message);
    if (record !== undefined) this.onRecord(record);
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
