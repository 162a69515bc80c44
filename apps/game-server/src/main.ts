/**
 * `npm start`: reads the configuration from the environment, refuses to start
 * on a bad one (exit code 1, one line per problem), then runs a live game.
 */
import type { AddressInfo } from 'node:net';
import { seedCommitment } from '@banana-market/engine';
import { ConfigError, loadServerConfig } from './config/server-config.js';
import { KafkaBus } from './bus/kafka-bus.js';
import { createGameServer } from './server.js';

async function connectKafka(brokers: readonly string[]): Promise<KafkaBus> {
  try {
    return await KafkaBus.connect({
      brokers,
      // The process state is ahead of what Kafka committed: exit, and a restart resumes from Kafka.
      onFatalError: (err) => {
        console.error(`banana-market: Kafka transaction failed, exiting so a restart resumes from Kafka: ${err.message}`);
        process.exit(1);
      },
    });
  } catch (err) {
    console.error(`banana-market: cannot reach Kafka at ${brokers.join(',')} (KAFKA_BROKERS): ${(err as Error).message}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadServerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`banana-market: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const bus = config.kafkaBrokers === undefined ? undefined : await connectKafka(config.kafkaBrokers);
  const app = await createGameServer({ config, bus });
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://localhost:${port}`;
  console.log(`Banana Market is open: ${url}  (API docs: ${url}/api/docs, live feed: ws://localhost:${port}/ws)`);
  // The seed stays secret until the game ends: players could foresee the price walk with it.
  console.log(
    `game seed commitment: ${seedCommitment(config.seed)} (SHA-256 of the ${config.seedGenerated ? 'generated' : 'GAME_SEED'} seed; ` +
      'the seed is revealed when the game ends, and GAME_SEED=<that seed> replays the game)',
  );
  if (config.adminTokenGenerated) console.log(`admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}`);
}

/** @banana-market/kafka's refusal of existing topics with other partition counts: its message says what to fix. */
function isWrongPartitionCounts(err: unknown): err is Error {
  return err instanceof Error && err.name === 'WrongPartitionCounts';
}

main().catch((err: unknown) => {
  // A configuration problem found while starting (an unreadable replay file) is one line, like the others.
  if (err instanceof ConfigError) console.error(`banana-market: ${err.message}`);
  // So is a topic a client auto-created before the server (one line naming every such topic and the fix).
  else if (isWrongPartitionCounts(err)) {
    const brokers = (process.env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean)
      .join(',');
    console.error(`banana-market: cannot start on Kafka at ${brokers}: ${err.message.replaceAll('<broker>', brokers)}`);
  } else console.error('banana-market: failed to start:', err);
  process.exit(1);
});
