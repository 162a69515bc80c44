/**
 * One task (Kafka Streams' sense): partition p of the three action topics,
 * and the state of the traders whose orders land there — their accounts,
 * plantations, recent investments and txnId memory, in partition p of
 * task-changelog. Its GameLoop holds those traders and never drives the
 * market: it follows the leader's game record (the price its orders execute
 * at, the lifecycle). Whatever it emits — results, states, its changelog
 * entries, its plantation load — goes out in the task's own transaction, so
 * a task that lost its partition to another server (fenced) commits nothing.
 */
import { Logger } from '@nestjs/common';
import {
  TOPICS,
  type GameRecord,
  type RejectionDetails,
  type TraderAction,
  type TraderKey,
  type TxnRejection,
  type ActionTxnType,
} from '@banana-market/protocol';
import { GameLoop, type EngineEvent, type PlantationLoad } from '@banana-market/engine';
import type { TaskContext } from '../bus/message-bus.js';
import { accountEntry, GameStateStore, type LoadedGame } from '../state/game-state-store.js';
import { RecordCache } from '../state/record-cache.js';
import { EngineEventPublisher } from './engine-event-publisher.js';
import type { GameHost } from './game-host.js';
import { plantationLoadMessage } from './plantation-loads.js';

export class GameTask {
  readonly partition: number;
  readonly loop: GameLoop;
  private readonly logger: Logger;
  private readonly publisher: EngineEventPublisher;
  private readonly store: GameStateStore;
  private publishedLoad: PlantationLoad | undefined;
  /**
   * With publishAtCommit: the load the task's next transaction writes, the latest only, encoded then (keyed by the
   * task: its one key on plantation-loads; `at` is when it moved).
   */
  private readonly loadCache: RecordCache<number, { readonly load: PlantationLoad; readonly at: number }> | undefined;

  constructor(
    private readonly context: TaskContext,
    private readonly deps: GameHost,
  ) {
    this.partition = context.partition;
    this.logger = new Logger(`Task ${context.partition}`);
    const publish = (topic: string, messages: Parameters<TaskContext['publish']>[1]) => context.publish(topic, messages);
    // Both buses hand the values to this process's read models (Kafka: with what the task's commits hand over).
    this.publisher = new EngineEventPublisher(publish, true);
    const place = { topic: TOPICS.taskChangelog.name, partition: context.partition };
    this.store = new GameStateStore(deps.bus, deps.cipher, place, publish, context.publishAtCommit);
    this.loadCache =
      context.publishAtCommit === undefined
        ? undefined
        : new RecordCache(context.publishAtCommit, TOPICS.plantationLoads.name, (entries) =>
            entries.map(({ key, value }) => plantationLoadMessage(key, value.load, value.at).message),
          );
    this.loop = new GameLoop({
      seed: deps.seed,
      rules: deps.rules,
      clock: deps.clock,
      trackChanges: true,
      role: 'task',
      randomStream: `task-${context.partition}`,
      externalLoad: () => deps.loads.externalTo(context.partition),
    });
    this.loop.onEvents((events) => this.emit(events));
  }

  /** The task's stored state (what its partition of task-changelog holds), before it starts. */
  restore(loaded: LoadedGame): number {
    for (const { trader, key } of loaded.keyBytes) this.publisher.rememberKey(trader, key);
    if (loaded.save !== undefined) this.loop.restore(loaded.save);
    return loaded.save?.accounts.length ?? 0;
  }

  start(): void {
    this.loop.start();
  }

  /** The task left this server (another owns it now, or the server stops): nothing more happens here. */
  stop(): void {
    this.loop.stop();
    this.deps.loads.forget(this.partition);
  }

  followGame(record: GameRecord): void {
    this.loop.followGame(record);
    this.publishLoad();
  }

  execute(trader: TraderKey, action: TraderAction, keyBytes: Uint8Array | null): readonly EngineEvent[] {
    this.publisher.rememberKey(trader, keyBytes);
    return this.loop.submit(trader, action);
  }

  /** Answers an order the server cannot take (on txn-rejections), with the field to blame or the time to wait when given. */
  reject(
    trader: TraderKey,
    type: ActionTxnType,
    txnId: string,
    reason: string,
    keyBytes: Uint8Array | null,
    details?: RejectionDetails,
  ): readonly EngineEvent[] {
    this.publisher.rememberKey(trader, keyBytes);
    return this.publisher.rejecting(details, () => this.loop.reject(trader, type, txnId, reason));
  }

  /** Answers an order whose key names no trader: on txn-rejections, under the key bytes it came with. */
  rejectUnkeyed(rawKey: Uint8Array | null, rejection: TxnRejection): void {
    void this.publisher.publishRejection(rawKey, rejection);
  }

  /** Opens a trader's account (announced with its state when new). */
  register(trader: TraderKey): void {
    this.loop.register(trader, { announce: true });
  }

  /** Hands a message to this task's transaction as it is (an order forwarded to its trader's task). */
  forward(topic: string, message: Parameters<TaskContext['publish']>[1][number]): void {
    void this.context.publish(topic, [message]).catch((err: unknown) => this.logger.warn(`could not forward an order: ${String(err)}`));
  }

  /** Resolves once everything emitted so far is handed to the bus. */
  flushed(): Promise<void> {
    return this.publisher.flushed();
  }

  private emit(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    void this.publisher.publish(events).then((committed) => {
      if (committed) this.deps.onCommitted(events);
    });
    // A loop, not flatMap and spreads: this runs for every order, and flatMap was most of this method's time in the profile.
    // takeChanges hands over a fresh array, so it can take the accounts too.
    const entries = this.loop.takeChanges();
    for (const e of events) if (e.kind === 'trader-state') entries.push(accountEntry(e.trader, e.state, this.publisher.keyFor(e.trader)));
    this.store.write(entries).catch((err: unknown) => this.logger.warn(`could not store the task's state: ${String(err)}`));
    this.publishLoad();
    this.deps.onEvents(events);
  }

  /** The task's plantation load, when it moved, to every server (and this one's sum). */
  private publishLoad(): void {
    const load = this.loop.ownLoad();
    const last = this.publishedLoad;
    if (last !== undefined && last.recentCoins === load.recentCoins && last.totalInvested === load.totalInvested) return;
    this.publishedLoad = load;
    this.deps.loads.report(this.partition, load);
    const at = this.deps.clock.now();
    let written: Promise<void>;
    if (this.loadCache === undefined) {
      const { topic, message } = plantationLoadMessage(this.partition, load, at);
      written = this.context.publish(topic, [message]);
    } else {
      written = this.loadCache.set(String(this.partition), this.partition, { load, at });
    }
    void written.catch(() => undefined);
  }
}
