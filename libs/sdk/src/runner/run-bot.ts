#!/usr/bin/env node
/**
 * npm run bot -- --team T --name N [--strategy NAME|path/to/bot.ts]
 *                [--server http://host:port | --kafka host:port] [--token TOKEN | --code JOIN_CODE] [--seed S]
 * Over Kafka, --token signs every order (KAFKA_ORDERS=signed), and a secured
 * broker's player credentials come from KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
import { parseArgs } from 'node:util';
import { SASL_MECHANISMS, type SaslCredentials } from '@banana-market/kafka';
import { traderKeySchema, validate } from '@banana-market/protocol';
import { BananaClient } from '../client/banana-client.js';
import { KafkaTransport } from '../client/kafka-transport.js';
import { BotSetupError, type BotTransport } from '../client/transport.js';
import { WsTransport } from '../client/ws-transport.js';
import { BotRunner } from './bot-runner.js';
import { loadStrategy } from './load-strategy.js';

const USAGE = `usage: npm run bot -- --team TEAM --name NAME [--strategy random|forecast|investor|feeder|path/to/bot.ts]
                    [--server http://localhost:3000 | --kafka localhost:9092] [--token TOKEN | --code JOIN_CODE] [--seed SEED]`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        team: { type: 'string' },
        name: { type: 'string' },
        strategy: { type: 'string', default: 'feeder' },
        server: { type: 'string' },
        kafka: { type: 'string' },
        token: { type: 'string' },
        code: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const trader = validate(traderKeySchema, { team: values.team, name: values.name }, 'trader', true);
  if (!trader.ok) {
    console.error(`bad --team/--name: ${trader.error.message.replace(/trader\./g, '--')}\n${USAGE}`);
    return 2;
  }
  if (values.server !== undefined && values.kafka !== undefined) {
    console.error(`choose one of --server and --kafka\n${USAGE}`);
    return 2;
  }
  const strategy = await loadStrategy(values.strategy!);
  const transport: BotTransport =
    values.kafka !== undefined
      ? new KafkaTransport({ brokers: values.kafka.split(','), trader: trader.value, token: values.token, sasl: saslFromEnv(process.env) })
      : new WsTransport({ server: values.server ?? 'http://localhost:3000', trader: trader.value, token: values.token, joinCode: values.code });
  const client = await BananaClient.connect(transport);
  const where = values.kafka !== undefined ? `Kafka ${values.kafka}` : (values.server ?? 'http://localhost:3000');
  console.log(
    `${trader.value.team}/${trader.value.name} plays "${strategy.name}" on ${where}${transport instanceof WsTransport && values.token === undefined ? ` (token: ${transport.traderToken})` : ''}; Ctrl-C stops`,
  );
  // Its own page on the game server (over Kafka only when the server's address is known too).
  if (values.kafka === undefined) {
    const page = new URL(
      `/trader/${encodeURIComponent(trader.value.team)}/${encodeURIComponent(trader.value.name)}`,
      values.server ?? 'http://localhost:3000',
    );
    console.log(`its page: ${page.href}`);
  }
  const runner = new BotRunner({
    client,
    strategy,
    seed: values.seed ?? `${trader.value.team}/${trader.value.name}`,
    log: (line) => console.log(line),
  });
  const stop = () => {
    console.log('stopping…');
    runner.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runner.run();
    return 0;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A secured broker's player credentials, as the server reads its own (SCRAM-SHA-256 unless KAFKA_SASL_MECHANISM says otherwise). */
function saslFromEnv(env: NodeJS.ProcessEnv): SaslCredentials | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password, KAFKA_SASL_MECHANISM: mechanism } = env;
  if (!username || !password) return undefined;
  if (!mechanism) return { mechanism: 'scram-sha-256', username, password };
  const known = SASL_MECHANISMS.find((m) => m === mechanism.toLowerCase());
  if (known === undefined) throw new BotSetupError(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${mechanism}"`);
  return { mechanism: known, username, password };
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof BotSetupError ? `bot: ${err.message}` : `bot: ${err.message}`);
    process.exit(1);
  },
);
