/**
 * Reads the game's own topics back — share-price, game-events, txn-results,
 * txn-rejections — and builds the report of the current game (everything
 * since its last start or reset). From the topics, not from memory: the
 * report is the same after a restart, on any server of the game, on Kafka.
 */
import { Inject, Injectable } from '@nestjs/common';
import { decodeMessage, decodeTxnRejection, TOPICS, type GameReport, type TraderKey, type TxnRejection } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { decodeTraderKey } from '../game/trader-key-decoder.js';
import { buildGameReport } from './game-report.js';

@Injectable()
export class ReportService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  async report(): Promise<GameReport> {
    const [prices, events, results, rejections] = await Promise.all(
      [TOPICS.sharePrice, TOPICS.gameEvents, TOPICS.txnResults, TOPICS.txnRejections].map((t) => this.bus.readTopic(t.name)),
    );
    const gameEvents = decoded(events, (m) => decodeMessage.gameEvent(m.value));
    // The current game: from its last start or reset on.
    const began = gameEvents.findLast((e) => e.type === 'GAME_STARTED' || e.type === 'GAME_RESET');
    const from = began === undefined ? Number.NEGATIVE_INFINITY : Date.parse(began.time);
    const current = <T extends { time: string }>(records: T[]) => records.filter((r) => Date.parse(r.time) >= from);
    return buildGameReport(
      {
        prices: current(decoded(prices, (m) => decodeMessage.sharePrice(m.value))),
        events: current(gameEvents),
        results: keyed(results, (m) => decodeMessage.txnResult(m.value))
          .filter((r) => Date.parse(r.value.state.time) >= from)
          .map(({ trader, value }) => ({ trader, result: value })),
        rejections: keyed(rejections, (m) => decodeTxnRejection(m.value))
          .filter((r) => r.value.state === undefined || Date.parse(r.value.state.time) >= from)
          .map(({ trader, value }) => ({ trader, rejection: value as TxnRejection })),
      },
      this.config.rules,
    );
  }
}

type Decoded<T> = { ok: true; value: T } | { ok: false };

function decoded<T>(messages: readonly BusMessage[], decode: (m: BusMessage) => Decoded<T>): T[] {
  return messages.flatMap((m) => {
    const result = decode(m);
    return result.ok ? [result.value] : [];
  });
}

function keyed<T>(messages: readonly BusMessage[], decode: (m: BusMessage) => Decoded<T>): { trader: TraderKey; value: T }[] {
  return messages.flatMap((m) => {
    const trader = decodeTraderKey(m.key);
    const result = decode(m);
    return trader.ok && result.ok ? [{ trader: trader.value, value: result.value }] : [];
  });
}
