/**
 * One trader's page: its state, rank and plantations as the game knows them
 * now, and its last answers and state over time read back from txn-results
 * and txn-rejections — only the partition of its key, and only its records —
 * so the page is the same after a restart and on any server of the game.
 */
import { Inject, Injectable } from '@nestjs/common';
import { decodeTxnAnswer, encode, TOPICS, type TraderKey, type TraderPage } from '@banana-market/protocol';
import { scoreOf } from '@banana-market/engine';
import { partitionForKey } from '../bus/key-partitioner.js';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GameService } from '../game/game.service.js';

const LAST_ACTIONS = 100;
const MAX_HISTORY = 600;

@Injectable()
export class TraderPageService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly game: GameService,
  ) {}

  /** The page, or undefined when the game has never heard of the trader. */
  async page(trader: TraderKey): Promise<TraderPage | undefined> {
    const key = Buffer.from(encode.traderKey(trader));
    const answers = (
      await Promise.all(
        [TOPICS.txnResults, TOPICS.txnRejections].map((topic) =>
          this.bus.readTopic(topic.name, { partitions: [partitionForKey(topic.name, key, topic.partitions)] }),
        ),
      )
    )
      .flat()
      .filter((m) => m.key !== null && m.key.equals(key))
      .flatMap((m) => {
        const answer = decodeTxnAnswer(m.topic, m.value);
        return answer === undefined ? [] : [{ answer, at: m.timestamp }];
      })
      .sort((a, b) => a.at - b.at);
    const state = this.game.traderState(trader);
    if (state === undefined && answers.length === 0) return undefined;
    const rules = this.config.rules;
    const states = answers.flatMap(({ answer }) => (answer.state === undefined ? [] : [answer.state]));
    const every = Math.max(1, Math.ceil(states.length / MAX_HISTORY));
    const history = states
      .filter((_, i) => i % every === 0 || i === states.length - 1)
      .map((s): TraderPage['history'][number] => [s.time, scoreOf(s, rules), s.coins, s.shares, s.fedMonkeys]);
    const board = this.game.leaderboard(true);
    const gameRank = board.traders.findIndex((t) => t.team === trader.team && t.name === trader.name);
    const teammates = board.traders.filter((t) => t.team === trader.team);
    const plantations = this.game.plantations(trader);
    return {
      team: trader.team,
      name: trader.name,
      state:
        state === undefined
          ? null
          : {
              coins: state.coins,
              shares: state.shares,
              fedMonkeys: state.fedMonkeys,
              bailouts: state.bailouts,
              inFlightInvestments: state.inFlightInvestments,
            },
      score: state === undefined ? 0 : scoreOf(state, rules),
      rank:
        gameRank < 0
          ? null
          : {
              game: gameRank + 1,
              team: teammates.findIndex((t) => t.name === trader.name) + 1,
              traders: board.traders.length,
              teamTraders: teammates.length,
            },
      history,
      actions: answers
        .slice(-LAST_ACTIONS)
        .reverse()
        .map(({ answer, at }) => ({
          time: answer.state?.time ?? new Date(at).toISOString(),
          txnId: answer.txnId,
          type: answer.type,
          status: answer.status,
          ...(answer.reason === undefined ? {} : { reason: answer.reason }),
        })),
      plantations: plantations === undefined ? null : plantations.map((p) => ({ invested: p.invested, dueAt: new Date(p.dueAt).toISOString() })),
    };
  }
}
