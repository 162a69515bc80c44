/**
 * Chapters 00 and 04 on a real broker: the reference solutions run in the
 * KafkaStreams runner, fed by a plain kafkajs producer (explicit timestamps),
 * and must write what the TopologyTestDriver writes for the same records.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@banana-market/protocol';
import { describe, expect, it } from 'vitest';
import { KafkaStreams, TopologyTestDriver, type Topology } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import * as firstApp from '../../solutions/00-first-app/kata.js';
import * as tumblingWindows from '../../solutions/04-tumbling-windows/kata.js';
import { isoAt, MINUTE, SECOND } from '../../chapters/support/market-time.js';
import { eventually, type ReadRecord, useOutsideWorld } from '../streams/kafka-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

interface TimedRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
}

/** What the in-memory driver writes to `output` for these records. */
function throughDriver(topology: Topology, input: string, records: readonly TimedRecord[], output: string): TimedRecord[] {
  const driver = new TopologyTestDriver(topology);
  try {
    const inputTopic = driver.createInputTopic<unknown, unknown>(input);
    for (const r of records) inputTopic.pipeInput(r.key, r.value, r.timestamp);
    return driver.createOutputTopic<unknown, unknown>(output).readRecordsToList();
  } finally {
    driver.close();
  }
}

/**
 * Event times from the next whole minute: on a shared broker (KAFKA_BROKERS)
 * what earlier tests wrote to the game's topics is older, so it can neither
 * close this run's windows early nor make its records late. (Kafka refuses
 * timestamps more than an hour ahead of its clock.)
 */
const RUN_START = Math.ceil(Date.now() / MINUTE) * MINUTE;
const at = (ms: number) => RUN_START + ms;

/** Outputs come within a second or two; the margin is for a machine busy with other test files. */
const DEADLINE_MS = 60_000;
const TEST_TIMEOUT_MS = DEADLINE_MS + 30_000;

describe.skipIf(broker === undefined)('chapters 00 and 04 on a real broker (KafkaStreams)', () => {
  const run = randomUUID().slice(0, 8);
  const brokers = [broker?.bootstrap ?? ''];
  // The game's topics the chapters use, with the game's partition counts, as the server would have made them. Chapter 00
  // writes to market-orders: created here with the game's 8 partitions, not by the app with the broker's 1, which a game
  // server sharing the broker (KAFKA_BROKERS) would refuse.
  const world = useOutsideWorld(broker, [TOPICS.sharePrice, TOPICS.investmentOrders, TOPICS.marketOrders]);

  async function startApp(topology: Topology, chapter: string): Promise<KafkaStreams> {
    const app = world.started(new KafkaStreams(topology, { applicationId: `katas-${chapter}-${run}`, brokers }));
    await app.start();
    return app;
  }

  const keyValueTime = (records: readonly ReadRecord[] | readonly TimedRecord[]) =>
    records.map(({ key, value, timestamp }) => ({ key, value, timestamp }));

  /** The runner delivers at least once: a rebalance on a loaded machine may replay a batch, so compare distinct records. */
  function distinct<T>(records: readonly T[]): T[] {
    const seen = new Set<string>();
    const kept: T[] = [];
    for (const record of records) {
      const id = JSON.stringify(record);
      if (seen.has(id)) continue;
      seen.add(id);
      kept.push(record);
    }
    return kept;
  }

  it('chapter 00 sends the same market orders as in the test driver', { timeout: TEST_TIMEOUT_MS }, async () => {
    const forecasts = [1.02, 1, 0.95, 1.3, 0.99];
    const prices = forecasts.map((forecast, i) => {
      const timestamp = at(i * SECOND);
      return { key: 'GNOU', value: { time: isoAt(timestamp), coins: 1.25, forecast }, timestamp };
    });
    const expected = throughDriver(firstApp.buildTopology(), firstApp.PRICES_TOPIC, prices, firstApp.ORDERS_TOPIC);
    expect(expected).toHaveLength(4); // the price with a forecast of exactly 1 sends nothing

    await startApp(firstApp.buildTopology(), '00');
    const orders = await world.outside.watch(firstApp.ORDERS_TOPIC);
    await world.outside.produce(firstApp.PRICES_TOPIC, prices);

    // The orders topic may hold other runs' orders, and other tests' tombstones: ours are those with this run's txnIds.
    const ours = new Set(expected.map((r) => (r.value as firstApp.MarketOrder).txnId));
    await eventually(() => {
      expect(distinct(keyValueTime(orders.filter((r) => ours.has((r.value as firstApp.MarketOrder | null)?.txnId ?? ''))))).toEqual(
        keyValueTime(expected),
      );
    }, DEADLINE_MS);
  });

  it('chapter 04 sends the same combined investments as in the test driver, late and dropped orders included', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    // One trader, so that every record lands in one partition and keeps its order, as in the driver.
    const trader: tumblingWindows.TraderKey = { team: `KAFKA-${run}`, name: 'alice' };
    const size = tumblingWindows.WINDOW_SIZE_MS;
    const grace = tumblingWindows.GRACE_MS;
    const plan: [ms: number, invested: number][] = [
      [500, 2], // window 0
      [4_900, 3], // window 0
      [size + 200, 1], // window 1, stream time inside window 0's grace
      [4_000, 4], // late for window 0, but within its grace
      [2 * size + grace, 5], // window 2; closes windows 0 and 1
      [3_000, 6], // window 0 is closed: dropped
      [5 * size, 7], // closes window 2
    ];
    const investments = plan.map(([ms, invested], i) => ({
      key: trader,
      value: { time: isoAt(at(ms)), txnId: `kafka-${run}-${i}`, invested },
      timestamp: at(ms),
    }));
    const expected = throughDriver(
      tumblingWindows.buildTopology(),
      tumblingWindows.INVESTMENTS_TOPIC,
      investments,
      tumblingWindows.COMBINED_INVESTMENTS_TOPIC,
    );
    expect(expected.map((r) => (r.value as tumblingWindows.CombinedInvestment).invested)).toEqual([9, 1, 5]);

    const app = await startApp(tumblingWindows.buildTopology(), '04');
    const combined = await world.outside.watch(tumblingWindows.COMBINED_INVESTMENTS_TOPIC);
    await world.outside.produce(tumblingWindows.INVESTMENTS_TOPIC, investments);

    const isOurs = (r: ReadRecord) => (r.key as tumblingWindows.TraderKey).team === trader.team;
    await eventually(() => {
      expect(distinct(combined.filter(isOurs).map(({ key, value }) => ({ key, value })))).toEqual(expected.map(({ key, value }) => ({ key, value })));
    }, DEADLINE_MS);
    // The late order is not in window 0's total (9, not 15); a replayed batch would count it again.
    expect(app.droppedRecords()).toBeGreaterThanOrEqual(1);
  });
});
