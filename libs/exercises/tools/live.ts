/**
 * `npm run exercises -- --live N --kafka HOST:PORT [--name NAME]`: graduation
 * onto the live market. The participant's own chapter-N topology (their
 * chapters/NN-slug/kata.ts, or with --solutions the reference one) runs in
 * the KafkaStreams runner on the game's broker, reading the game's live
 * topics, until Ctrl-C.
 *
 * Names, one scheme for every participant (see liveTopic):
 *   application id (consumer group, changelog prefix)  live-NAME-NN-slug
 *   each output topic                                  live-NAME-TOPIC, e.g. live-alice-kata-05-price-alerts
 * NAME is the participant's name in Kafka's topic characters, one spelling per
 * name (liveNameOf: "_" is "__", "@" "_at_", a space "_sp_"). The same name
 * again resumes where the last run stopped (its group's offsets, its stores'
 * changelogs). The coach's ticker
 * follows the topics live-*-kata-05-price-alerts.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createKafkaClient, waitForGroupJoin, type Consumer, type SaslCredentials } from '@banana-market/kafka';
import { LIVE_TOPIC_PREFIX, liveNameOf } from '@banana-market/protocol';
import { KafkaStreams, PROCESSING_GUARANTEES, type ProcessingGuarantee, type StreamsLogger, type Topology } from '../src/index.js';
import type { Chapter } from './chapters.js';
import type { KataSource } from './run-vitest.js';

/** Kafka's longest topic name. */
const MAX_TOPIC_CHARS = 249;

/**
 * Where the participant's live run writes what the kata writes to `topic`. A name too long for Kafka
 * throws (cutting it would give two names one topic).
 */
export function liveTopic(participant: string, topic: string): string {
  const name = `${LIVE_TOPIC_PREFIX}${liveNameOf(participant)}-${topic}`;
  if (name.length > MAX_TOPIC_CHARS) {
    throw new Error(
      `--name ${JSON.stringify(participant)} makes the topic name ${name.length} characters long, over Kafka's ${MAX_TOPIC_CHARS}: choose a shorter name`,
    );
  }
  return name;
}

/** The participant's consumer group for a chapter, and the prefix of its changelogs. */
export function liveApplicationId(participant: string, chapter: Chapter): string {
  return `${LIVE_TOPIC_PREFIX}${liveNameOf(participant)}-${chapter.slug}`;
}

export interface LiveOptions {
  /** libs/exercises, where chapters/ and solutions/ are. */
  readonly packageDir: string;
  readonly source: KataSource;
  readonly chapter: Chapter;
  readonly participant: string;
  readonly brokers: readonly string[];
  /** A secured broker's player credentials (KAFKA_SASL_*). */
  readonly sasl?: SaslCredentials;
  /** Each output record, as it arrives on the participant's topics (the live tool prints them). */
  readonly onOutput?: (record: { topic: string; key: string | null; value: string | null; timestamp: number }) => void;
  readonly logger?: StreamsLogger;
}

export interface LiveRun {
  readonly applicationId: string;
  /** The participant's topics, in the order of the kata's sinks. */
  readonly outputTopics: readonly string[];
  /** Stops consuming after the batch in progress and disconnects; safe to call twice. */
  close(): Promise<void>;
}

/** Loads the chapter's topology and starts it on the broker; resolves once it consumes (and prints what it writes). */
export async function startLive(options: LiveOptions): Promise<LiveRun> {
  const { chapter, participant } = options;
  const { topology, processingGuarantee } = await loadKata(options.packageDir, options.source, chapter);
  const applicationId = liveApplicationId(participant, chapter);
  const outputTopicFor = (topic: string) => liveTopic(participant, topic);
  // Named before anything starts: a name too long for Kafka stops here, with nothing created.
  const outputTopics = topology.sinkTopics.map(outputTopicFor);
  const app = new KafkaStreams(topology, {
    applicationId,
    brokers: [...options.brokers],
    outputTopicFor,
    // The kata's own settings (chapter 14 asks for exactly_once_v2), as its tests run it.
    ...(processingGuarantee !== undefined ? { processingGuarantee } : {}),
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  await app.start();
  let printer: Consumer | undefined;
  try {
    if (options.onOutput !== undefined && outputTopics.length > 0) printer = await printOutputs(options, outputTopics, options.onOutput);
  } catch (error) {
    await app.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    applicationId,
    outputTopics,
    close: () => {
      closing ??= (async () => {
        await printer?.disconnect().catch(() => undefined);
        await app.close();
      })();
      return closing;
    },
  };
}

/**
 * The kata module's buildTopology(), as the test runner imports it (TypeScript, through tsx or vitest), and the
 * processing guarantee its `streamsSettings` ask for once built (chapter 14's), if it has any.
 */
export async function loadKata(
  packageDir: string,
  source: KataSource,
  chapter: Chapter,
): Promise<{ topology: Topology; processingGuarantee?: ProcessingGuarantee }> {
  const file = join(packageDir, source, chapter.slug, 'kata.ts');
  const kata = (await import(pathToFileURL(file).href)) as { buildTopology?: unknown; streamsSettings?: { processingGuarantee?: unknown } };
  if (typeof kata.buildTopology !== 'function') throw new Error(`${source}/${chapter.slug}/kata.ts exports no buildTopology()`);
  const topology = kata.buildTopology() as Topology;
  const guarantee = kata.streamsSettings?.processingGuarantee;
  if (guarantee === undefined) return { topology };
  if (!PROCESSING_GUARANTEES.includes(guarantee as ProcessingGuarantee)) {
    throw new Error(
      `${source}/${chapter.slug}/kata.ts: streamsSettings.processingGuarantee must be one of ${PROCESSING_GUARANTEES.join(', ')}, got ${JSON.stringify(guarantee)}`,
    );
  }
  return { topology, processingGuarantee: guarantee as ProcessingGuarantee };
}

/** A watcher of the participant's topics from now on: a group of its own each run, committing nothing. */
async function printOutputs(options: LiveOptions, topics: readonly string[], onOutput: NonNullable<LiveOptions['onOutput']>): Promise<Consumer> {
  const kafka = createKafkaClient({
    clientId: `${liveApplicationId(options.participant, options.chapter)}-printer`,
    brokers: options.brokers,
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
  });
  const groupId = `${liveApplicationId(options.participant, options.chapter)}-printer-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    // Joined before the run is announced: an output written in between would otherwise never be printed.
    // A failed run's disconnect below ends this wait too.
    const joined = waitForGroupJoin(consumer, groupId);
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        onOutput({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: Number(message.timestamp) });
      },
    });
    await joined;
    return consumer;
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}
