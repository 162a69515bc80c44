/**
 * `npm start`: reads the configuration from the environment, refuses to start
 * on a bad one (exit code 1, one line per problem), then runs a live game.
 */
import type { AddressInfo } from 'node:net';
import { ConfigError, loadServerConfig } from './config/server-config.js';
import { createGameServer } from './server.js';

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
  if (config.kafkaBrokers !== undefined) {
    console.error('banana-market: KAFKA_BROKERS is set, but the Kafka bus is not available in this version yet; unset it to play on the embedded bus.');
    process.exit(1);
  }
  const app = await createGameServer({ config });
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://localhost:${port}`;
  console.log(`Banana Market is open: ${url}  (API docs: ${url}/api/docs, live feed: ws://localhost:${port}/ws)`);
  console.log(`game seed: ${config.seed}${config.seedGenerated ? ' (generated; set GAME_SEED to replay this game)' : ''}`);
  if (config.adminTokenGenerated) console.log(`admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}`);
}

main().catch((err: unknown) => {
  console.error('banana-market: failed to start:', err);
  process.exit(1);
});
