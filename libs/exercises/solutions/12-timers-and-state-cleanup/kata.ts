/**
 * Reference solution of chapter 12: a processor that remembers each trader's last
 * action and, every 10 s of stream time, alerts on and forgets the idle ones.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import {
  PunctuationType,
  StreamsBuilder,
  Stores,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
  type Topology,
} from '@banana-market/exercises';
import {
  CHECK_EVERY_MS,
  IDLE_TRADERS_TOPIC,
  isIdle,
  isoAt,
  LAST_ACTION_STORE,
  ORDERS_TOPIC,
  type IdleTraderAlert,
  type MarketOrder,
  type TraderKey,
} from '../../chapters/12-timers-and-state-cleanup/given.js';

export * from '../../chapters/12-timers-and-state-cleanup/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  // The store is registered for you: trader key → the timestamp of their last order.
  builder.addStateStore(Stores.keyValueStore<TraderKey, number>(LAST_ACTION_STORE));
  const orders = builder.stream<TraderKey, MarketOrder>(ORDERS_TOPIC);

  // ===== your job starts here =====
  /** Remembers each trader's last action; every CHECK_EVERY_MS of stream time, alerts on the idle ones and forgets them. */
  class IdleTraderWatcher implements Processor<TraderKey, MarketOrder, TraderKey, IdleTraderAlert> {
    private lastActions!: KeyValueStore<TraderKey, number>;

    init(context: ProcessorContext<TraderKey, IdleTraderAlert>): void {
      const lastActions = context.getStateStore<TraderKey, number>(LAST_ACTION_STORE);
      this.lastActions = lastActions;
      context.schedule(CHECK_EVERY_MS, PunctuationType.STREAM_TIME, (now) => {
        // Read the entries first, then delete: the store does not change under the loop.
        for (const { key, value: lastAction } of [...lastActions.all()]) {
          if (!isIdle(lastAction, now)) continue;
          context.forward({ key, value: { lastActionAt: isoAt(lastAction), idleForMs: now - lastAction }, timestamp: now });
          lastActions.delete(key);
        }
      });
    }

    process(record: StreamRecord<TraderKey, MarketOrder>): void {
      // Stream time never goes back, but an order may: keep the latest action.
      const previous = this.lastActions.get(record.key);
      if (previous === undefined || record.timestamp > previous) this.lastActions.put(record.key, record.timestamp);
    }
  }

  orders.process(() => new IdleTraderWatcher(), LAST_ACTION_STORE).to(IDLE_TRADERS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
