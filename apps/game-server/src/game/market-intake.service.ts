/**
 * Makes one server the market leader: the market group's member that owns
 * partition 0 of game-commands and gibber-gibbs (both single-partition) runs
 * the market, and consumes the coach's commands and the gibbs — whatever
 * wrote them (the HTTP endpoints of any server, a tweet source, any Kafka
 * client) — in the leader's own transactions. When it dies, the group gives
 * the partition to another server, whose fenced producer takes over.
 */
import { Inject, Injectable } from '@nestjs/common';
import { decodeMarketControl, decodeMessage, MARKET_GROUP, TOPICS } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type TaskContext } from '../bus/message-bus.js';
import { RecentIds } from '../gibbs/recent-ids.js';
import { STATE_CIPHER, type StateCipher } from '../state/state-cipher.js';
import { DeadLetterService } from './dead-letter.service.js';
import { GameService } from './game.service.js';
import { TaskIntake } from './topic-intake.js';

@Injectable()
export class MarketIntakeService extends TaskIntake {
  /** Any Kafka client may write gibbs; the same id twice moves the market once. */
  private readonly seen = new RecentIds();

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    private readonly game: GameService,
    private readonly deadLetters: DeadLetterService,
    @Inject(STATE_CIPHER) private readonly cipher: StateCipher,
  ) {
    // The leader restores the market from game-changelog.
    super(
      bus,
      MARKET_GROUP,
      [TOPICS.gameCommands.name, TOPICS.gibberGibbs.name],
      {
        writes: [TOPICS.sharePrice, TOPICS.gameEvents, TOPICS.txnResults, TOPICS.gameChangelog].map((t) => t.name),
        restoreFrom: [TOPICS.gameChangelog.name],
      },
      game,
    );
  }

  protected async assigned(tasks: readonly TaskContext[]): Promise<void> {
    const market = tasks.find((t) => t.partition === 0);
    if (market !== undefined) await this.game.lead(market);
  }

  protected revoked(partitions: readonly number[]): void {
    if (partitions.includes(0)) this.game.stopLeading();
  }

  handle(message: BusMessage): void {
    if (message.topic === TOPICS.gameCommands.name) this.applyCommand(message);
    else this.applyGibbMessage(message);
  }

  private applyCommand(message: BusMessage): void {
    const plaintext = message.value === null ? undefined : this.cipher.open(message.value);
    const command = plaintext === undefined ? undefined : decodeMarketControl.command(plaintext);
    if (command === undefined || !command.ok) {
      this.deadLetters.record(message, command?.error.message ?? 'a game command not sealed with this game’s key');
      return;
    }
    this.game.applyCommand(command.value);
  }

  applyGibbMessage(message: BusMessage): void {
    const gibb = decodeMessage.gibb(message.value);
    if (!gibb.ok) {
      this.deadLetters.record(message, gibb.error.message);
      return;
    }
    if (!this.seen.firstSighting(gibb.value.id)) return;
    this.game.applyGibb(gibb.value);
  }
}
