/**
 * The Kafka runner's processing guarantees under a real crash: a counting app
 * in its own process is SIGKILLed while a transaction (exactly-once) or an
 * offset commit (at-least-once) is pending — its outputs for a second wave of
 * input already on the broker, the offsets of that wave not yet committed —
 * then a new process takes over. Exactly-once, every key's counts read
 * (read_committed) are exactly 1, 2, … n; at-least-once, the replayed wave is
 * counted twice, which is what exactly-once is for.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProcessingGuarantee } from '../../src/index.js';
import { brokerForTests } from '../../../../tools/kafka/broker.mjs';
import { createGameTopics, eventually, type ReadRecord, useOutsideWorld } from './kafka-support.js';
import { crashBetweenSendAndCommit, killStreamsProcess, type StreamsProcess } from './kill-support.js';

// KAFKA_BROKERS when set, else a fresh broker; undefined (after a loud banner) when this machine cannot run one.
const broker = await brokerForTests();

const COUNTING_TOPOLOGY = fileURLToPath(new URL('./fixtures/counting-topology.ts', import.meta.url));
const KEYS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const PER_KEY = { first: 10, second: 20 };
const TEST_TIMEOUT_MS = 90_000;

const countsOf = (records: readonly ReadRecord[], key: string) => records.filter((r) => r.key === key).map((r) => r.value as number);

describe.skipIf(broker === undefined)('KafkaStreams processing guarantees under SIGKILL (a real broker, a real process)', () => {
  const bootstrap = broker?.bootstrap ?? '';
  const started: StreamsProcess[] = [];
  const world = useOutsideWorld(broker);
  // Whatever a failed test left running is killed, as the crash itself was, and gone before the broker stops.
  world.started({ close: async () => void (await Promise.all(started.map(killStreamsProcess))) });

  async function countThroughACrash(guarantee: ProcessingGuarantee) {
    const run = `${guarantee}-${randomUUID().slice(0, 8)}`;
    const [input, output] = [`kill-input-${run}`, `kill-counts-${run}`];
    // Three partitions: the offsets committed (or not) are several, as in a real app.
    await createGameTopics(bootstrap, run, [{ name: input, partitions: 3 }]);
    const wave = (perKey: number) => () =>
      world.outside.produce(
        input,
        KEYS.flatMap((key) => Array.from({ length: perKey }, (_, i) => ({ key, value: i, timestamp: Date.now() }))),
      );
    return crashBetweenSendAndCommit({
      admin: world.admin,
      outside: world.outside,
      started,
      env: {
        TOPOLOGY_MODULE: COUNTING_TOPOLOGY,
        APPLICATION_ID: `kill-app-${run}`,
        BROKERS: bootstrap,
        GUARANTEE: guarantee,
        INPUT: input,
        OUTPUT: output,
      },
      inputTopic: input,
      outputTopic: output,
      firstWave: wave(PER_KEY.first),
      secondWave: wave(PER_KEY.second),
    });
  }

  it.concurrent('exactly_once_v2: every key counts exactly 1…30 however the crash fell; the killed transaction stays invisible', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const { committed, everything, sentBeforeKill, firstWaveOutputs } = await countThroughACrash('exactly_once_v2');
    const expected = Array.from({ length: PER_KEY.first + PER_KEY.second }, (_, i) => i + 1);
    for (const key of KEYS) await eventually(() => expect(countsOf(committed(), key)).toEqual(expected));
    // The killed process's transaction had written counts past wave one: they are in the log, aborted, and no reader saw them.
    expect(sentBeforeKill).toBeGreaterThan(firstWaveOutputs);
    expect(everything().length).toBeGreaterThan(committed().length);
  });

  it.concurrent('at_least_once: the same crash counts the replayed records twice', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { committed } = await countThroughACrash('at_least_once');
    const exact = PER_KEY.first + PER_KEY.second;
    const lastCounts = () => KEYS.map((key) => countsOf(committed(), key).at(-1) ?? 0);
    await eventually(() => expect(lastCounts().reduce((a, b) => a + b, 0)).toBeGreaterThan(exact * KEYS.length));
    // Counted twice, and no key lost a record.
    for (const count of lastCounts()) expect(count).toBeGreaterThanOrEqual(exact);
  });
});
