/**
 * `npm start`: reads the configuration from the environment, refuses to start
 * on a bad one (exit code 1, one line per problem), then runs a live game —
 * the saved one if there is one (`--fresh` deletes it). SIGINT or SIGTERM
 * saves the game (the transaction in flight commits) and exits 0.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EmbeddedBus } from './bus/embedded-bus.js';
import { deleteBusDatabase } from './bus/embedded-log-store.js';
import { KafkaBus } from './bus/kafka-bus.js';
import { claimProcessIdentity } from './bus/process-identity.js';
import type { MessageBus } from './bus/message-bus.js';
import { ConfigError, loadServerConfig, type ServerConfig } from './config/server-config.js';
import { GameService } from './game/game.service.js';
import { createGameServer } from './server.js';
import { UnrecoverableStateError } from './state/game-state-store.js';
import { StateCipher } from './state/state-cipher.js';
import { joinUrls, terminalQrCode } from './room-urls.js';
import { StartupLogger } from './console/startup-logger.js';

/** A clean stop that takes longer has hung: the process exits anyway, and a restart resumes from what was committed. */
const STOP_DEADLINE_MS = 4500;
const USAGE = 'usage: npm start [-- --fresh]   (--fresh: delete the saved game and start a new one)';

function fail(message: string): never {
  console.error(`banana-market: ${message}`);
  process.exit(1);
}

async function connectKafka(config: ServerConfig, brokers: readonly string[]): Promise<KafkaBus> {
  // Kept in DATA_DIR: a restarted server aborts what its killed predecessor left open and takes its place in the groups.
  const identity = claimProcessIdentity(config.dataDir);
  process.once('exit', () => identity.release());
  try {
    return await KafkaBus.connect({
      brokers,
      processId: identity.processId,
      sasl: config.kafkaSasl,
      // Only what a reconnection cannot mend ends the process (the bus rides out a broker that comes and goes).
      onFatalError: (err) => fail(`unrecoverable Kafka error: ${err.message}; start the server again (it resumes from Kafka)`),
    });
  } catch (err) {
    fail(`cannot reach Kafka at ${brokers.join(',')} (KAFKA_BROKERS): ${(err as Error).message}`);
  }
}

/** The embedded bus in DATA_DIR (durable), or in memory with DATA_DIR empty; --fresh deletes what DATA_DIR kept. */
function embeddedBus(config: ServerConfig): EmbeddedBus {
  if (config.dataDir === undefined) return new EmbeddedBus();
  if (config.freshStart) deleteBusDatabase(config.dataDir);
  return new EmbeddedBus({ dataDir: config.dataDir });
}

/**
 * The game's secret: SERVER_SECRET, else DATA_DIR's state.key (made on the first start, and then shown
 * once on Kafka, where the game's other servers need it), else (undefined) one derived from the admin token.
 */
function serverKey(config: ServerConfig): StateCipher | undefined {
  if (config.serverSecret !== undefined) return StateCipher.fromServerSecret(config.serverSecret);
  if (config.dataDir === undefined) return undefined;
  const { cipher, created, secret } = StateCipher.fromDataDir(config.dataDir);
  if (created && config.kafkaBrokers !== undefined) {
    console.log(`server secret (generated into ${config.dataDir}/state.key; give the game's other servers SERVER_SECRET=${secret})`);
  }
  return cipher;
}

async function stopGracefully(app: NestExpressApplication, bus: MessageBus, signal: string): Promise<void> {
  const deadline = setTimeout(
    () => fail(`could not save the game within 5 s of ${signal}; a restart resumes from the last saved moment`),
    STOP_DEADLINE_MS,
  );
  deadline.unref();
  const game = app.get(GameService);
  // Every provider stops (the game loop first of all, then the consumers), then the bus commits what is in flight.
  await app.close();
  await bus.close();
  console.log(`game saved at tick ${game.market().tick}; \`npm start\` resumes it`);
  process.exit(0);
}

async function main(): Promise<void> {
  let fresh: boolean;
  try {
    fresh = parseArgs({ strict: true, options: { fresh: { type: 'boolean', default: false } } }).values.fresh ?? false;
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  let config: ServerConfig;
  try {
    config = loadServerConfig(process.env, { fresh });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const bus: MessageBus = config.kafkaBrokers === undefined ? embeddedBus(config) : await connectKafka(config, config.kafkaBrokers);
  const stateCipher = serverKey(config);
  const logger = new StartupLogger(config.logLevel === 'debug');
  const app = await createGameServer({ config, bus, stateCipher, shutdownHooks: false, logger });
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(`port ${config.port} is already in use on ${config.host} (PORT): stop what listens there, or start with PORT=<another port>`);
    }
    throw err;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopGracefully(app, bus, signal).catch((err: unknown) => fail(`stopping: ${String(err)}`)));
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  await printBanner(config, app.get(GameService), port);
  logger.release();
}

/** What the coach needs first: where the room joins (and its QR code), the gibber, the seed's commitment, the admin token. */
async function printBanner(config: ServerConfig, game: GameService, port: number): Promise<void> {
  const url = `http://localhost:${port}`;
  const [room, ...others] = joinUrls(config.host, port);
  const qrCode = await terminalQrCode(room);
  // All at once from here: nothing else is printed between these lines.
  console.log(`Banana Market is open: ${url}  (API docs: ${url}/api/docs, live feed: ws://localhost:${port}/ws)`);
  console.log(`join the game from the room: ${room}${others.length > 0 ? `  (also ${others.join(', ')})` : ''}`);
  console.log(qrCode);
  console.log(`post #MKTD gibbs: ${room}/gibber   the coach's page: ${room}/coach/`);
  // The seed stays secret until the game ends: players could foresee the price walk with it.
  console.log(
    `game seed commitment: ${game.seedCommitment} (SHA-256 of the ${config.seedGenerated ? 'generated' : 'GAME_SEED'} seed; ` +
      'the seed is revealed when the game ends, and GAME_SEED=<that seed> replays the game)',
  );
  if (config.dataDir !== undefined && config.kafkaBrokers === undefined) console.log(`the game is kept in ${config.dataDir} (DATA_DIR)`);
  if (config.adminTokenGenerated) console.log(`admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}`);
}

/** @banana-market/kafka's refusal of existing topics with other partition counts: its message says what to fix. */
function isWrongPartitionCounts(err: unknown): err is Error {
  return err instanceof Error && err.name === 'WrongPartitionCounts';
}

main().catch((err: unknown) => {
  // A configuration problem found while starting (an unreadable replay file) is one line, like the others.
  if (err instanceof ConfigError || err instanceof UnrecoverableStateError) fail(err.message);
  // So is a topic a client auto-created before the server (one line naming every such topic and the fix).
  if (isWrongPartitionCounts(err)) {
    const brokers = (process.env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean)
      .join(',');
    fail(`cannot start on Kafka at ${brokers}: ${err.message.replaceAll('<broker>', brokers)}`);
  }
  if (err instanceof Error && err.name === 'EmbeddedBusStorageError') fail(err.message);
  console.error('banana-market: failed to start:', err);
  process.exit(1);
});
