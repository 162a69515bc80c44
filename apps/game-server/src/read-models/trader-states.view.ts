/**
 * Every trader's latest state as the trader-states topic holds it — of all
 * traders, not only those of the tasks this server owns — so any server can
 * answer any player (issue #16): the leaderboard, the results, a trader's
 * state after a failover.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, decodeMessage, TOPICS, traderId, type TraderKey, type TraderState } from '@banana-market/protocol';
import { type BusMessage, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { TopicFollower } from './topic-follower.js';
import { publishedState } from '../game/published-answers.js';
import { decodeTraderKey } from '../game/trader-key-decoder.js';

export interface TraderStateEntry {
  readonly trader: TraderKey;
  readonly state: TraderState;
}

/** How late the view may be on Kafka (it reads trader-states in bulk): less than a tick, and the leaderboard is throttled to 250 ms anyway. */
const STATES_READ_DELAY_MS = 50;

/** `state` undefined: the trader's state was deleted (a tombstone). */
export type TraderStateListener = (trader: TraderKey, state: TraderState | undefined) => void;

/**
 * Which state is a trader's latest: the last one read from its key's
 * partition, as Kafka orders them (a task writes every state of a trader
 * under the same key). A key spelled differently (fields in another order,
 * spaces) names the same trader but may land in another partition, where
 * nothing orders it against the first: there the state with the later `time`
 * wins, the one read last on a tie. A tombstone, under any spelling, deletes.
 *
 * `ready` resolves once the view holds every message the topic held when it
 * started — on Kafka, what was committed and stable then: a transaction whose
 * commit returned a moment before may still be on its way, and arrives like
 * any later message.
 */
@Injectable()
export class TraderStatesView implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TraderStatesView');
  /** traderId → the trader (canonical), its latest state and the partition it was read from. */
  private readonly states = new Map<string, TraderStateEntry & { readonly partition: number }>();
  private readonly listeners = new Set<TraderStateListener>();
  private readonly follower: TopicFollower;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  /**
   * Resolves once the view holds everything the topic held when it started
   * (and follows it); rejects if it could not start.
   */
  readonly ready: Promise<void>;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {
    // A state per order: read in bulk, the leaderboard and the pages may be that late. This server's own states come from its commits.
    this.follower = new TopicFollower(bus, TOPICS.traderStates.name, 'banana-market-states-view', (m) => this.apply(m), {
      bulkReadDelayMs: STATES_READ_DELAY_MS,
      ownWritesFromCommits: true,
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Whoever awaits `ready` sees the failure; nobody awaiting it must not crash the process.
    this.ready.catch(() => undefined);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.bus.ensureTopics(ALL_TOPICS);
      await this.follower.load();
      await this.follower.follow();
      this.settle.resolve();
    } catch (err) {
      this.settle.reject(err);
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower.close();
  }

  /** The trader's latest state, or undefined when the topic has none. */
  state(trader: TraderKey): TraderState | undefined {
    return this.states.get(traderId(trader))?.state;
  }

  /** Every trader with a state (copies of the entries: the view goes on changing). */
  all(): TraderStateEntry[] {
    return [...this.states.values()].map(({ trader, state }) => ({ trader: { ...trader }, state: { ...state } }));
  }

  get size(): number {
    return this.states.size;
  }

  /** Calls `listener` on every change of a trader's state; returns the unsubscribe function. */
  onChange(listener: TraderStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(message: BusMessage): void {
    const key = decodeTraderKey(message.key);
    if (!key.ok) {
      this.logger.debug(`ignored ${message.topic}/${message.partition}@${message.offset}: ${key.error.message}`);
      return;
    }
    const trader: TraderKey = { team: key.value.team, name: key.value.name };
    const id = traderId(trader);
    if (message.value === null) {
      if (this.states.delete(id)) this.notify(trader, undefined);
      return;
    }
    const state = this.stateOf(message);
    if (state === undefined) return;
    const current = this.states.get(id);
    // Another spelling of the key, in another partition: no order between the two, the later state wins.
    if (current !== undefined && current.partition !== message.partition && Date.parse(state.time) < Date.parse(current.state.time)) return;
    this.states.set(id, { trader, state, partition: message.partition });
    this.notify(trader, state);
  }

  /** The state a message holds: as a task of this process published it (embedded bus), else decoded; undefined (logged) if unreadable. */
  private stateOf(message: BusMessage): TraderState | undefined {
    const published = publishedState(message);
    if (published !== undefined) return published;
    const state = decodeMessage.traderState(message.value);
    if (state.ok) return state.value;
    this.logger.debug(`ignored ${message.topic}/${message.partition}@${message.offset}: ${state.error.message}`);
    return undefined;
  }

  private notify(trader: TraderKey, state: TraderState | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(trader, state);
      } catch (err) {
        this.logger.error(`a trader-state listener failed: ${String(err)}`);
      }
    }
  }
}
