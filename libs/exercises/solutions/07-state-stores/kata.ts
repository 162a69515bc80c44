/**
 * Reference solution of chapter 07: two processors, each with its key-value store.
 * Its region between the marks is what `test/katas/katas-marks.test.ts` pastes into the starter.
 */
import {
  StreamsBuilder,
  Stores,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StreamRecord,
  type Topology,
} from '@banana-market/exercises';
import {
  BAILOUT_WARNINGS_TOPIC,
  DANGER_STORE,
  EMA_FACTOR,
  EMA_STORE,
  FORECASTS_TOPIC,
  isOneShareFromBailout,
  PRICES_TOPIC,
  TRADER_STATES_TOPIC,
  traderId,
  type BailoutWarning,
  type Forecast,
  type SharePrice,
  type TraderKey,
  type TraderState,
} from '../../chapters/07-state-stores/given.js';

export * from '../../chapters/07-state-stores/given.js';

export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.stream<string, SharePrice>(PRICES_TOPIC);
  const states = builder.stream<TraderKey, TraderState>(TRADER_STATES_TOPIC);

  // ===== your job starts here =====
  /** Remembers the EMA per price stream, so each price only needs the previous EMA. */
  class EmaForecaster implements Processor<string, SharePrice, string, Forecast> {
    private context!: ProcessorContext<string, Forecast>;
    private emas!: KeyValueStore<string, number>;

    init(context: ProcessorContext<string, Forecast>): void {
      this.context = context;
      this.emas = context.getStateStore<string, number>(EMA_STORE);
    }

    process(record: StreamRecord<string, SharePrice>): void {
      const price = record.value.coins;
      const previous = this.emas.get(record.key);
      const ema = previous === undefined ? price : previous + EMA_FACTOR * (price - previous);
      this.emas.put(record.key, ema);
      this.context.forward({
        key: record.key,
        value: { time: record.value.time, coins: price, ema, forecast: ema / price },
        timestamp: record.timestamp,
      });
    }
  }

  /** Remembers who is in the danger zone, so each trader is warned once per visit. */
  class BailoutWatcher implements Processor<TraderKey, TraderState, TraderKey, BailoutWarning> {
    private context!: ProcessorContext<TraderKey, BailoutWarning>;
    private warned!: KeyValueStore<string, boolean>;

    init(context: ProcessorContext<TraderKey, BailoutWarning>): void {
      this.context = context;
      this.warned = context.getStateStore<string, boolean>(DANGER_STORE);
    }

    process(record: StreamRecord<TraderKey, TraderState>): void {
      const id = traderId(record.key);
      const inDanger = isOneShareFromBailout(record.value);
      const alreadyWarned = this.warned.get(id) === true;
      if (inDanger && !alreadyWarned) {
        this.warned.put(id, true);
        const { time, coins, shares } = record.value;
        this.context.forward({ key: record.key, value: { time, coins, shares }, timestamp: record.timestamp });
      } else if (!inDanger && alreadyWarned) {
        this.warned.delete(id);
      }
    }
  }

  builder.addStateStore(Stores.keyValueStore<string, number>(EMA_STORE));
  builder.addStateStore(Stores.keyValueStore<string, boolean>(DANGER_STORE));

  prices.process(() => new EmaForecaster(), EMA_STORE).to(FORECASTS_TOPIC);
  states.process(() => new BailoutWatcher(), DANGER_STORE).to(BAILOUT_WARNINGS_TOPIC);
  // ===== your job ends here =====

  return builder.build();
}
