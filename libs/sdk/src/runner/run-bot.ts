#!/usr/bin/env node
/**
 * npm run bot -- --team T --name N [--strategy NAME|path/to/bot.ts]
 *                [--server http://host:port | --kafka host:port] [--code JOIN_CODE] [--seed S] [--verbose]
 * npm run bot -- --check path/to/bot.ts
 * The trader's token comes from BANANA_TOKEN, or a file (--token-file), or
 * --token (which shows in npm's echo of the command line: the others don't).
 * Over Kafka, the token signs every order (KAFKA_ORDERS=signed), and a secured
 * broker's player credentials come from KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STRATEGIES } from '@banana-market/engine';
import { saslFromEnv } from '@banana-market/kafka';
import { traderKeySchema, validate } from '@banana-market/protocol';
import { BananaClient } from '../client/banana-client.js';
import { KafkaTransport } from '../client/kafka-transport.js';
import { BotSetupError, type BotTransport } from '../client/transport.js';
import { WsTransport } from '../client/ws-transport.js';
import { BotRunner } from './bot-runner.js';
import { checkBot } from './check-bot.js';
import { loadStrategy } from './load-strategy.js';

const USAGE = `usage: npm run bot -- --team TEAM --name NAME [--strategy random|forecast|investor|feeder|path/to/bot.ts]
                    [--server http://localhost:3000 | --kafka localhost:9092] [--code JOIN_CODE] [--seed SEED] [--verbose]
                    (the token: BANANA_TOKEN=… in the environment, or --token-file FILE, or --token TOKEN)
       npm run bot -- --check path/to/bot.ts   (type-checks the bot and plays it in a 20-minute check game)`;

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
        'token-file': { type: 'string' },
        code: { type: 'string' },
        check: { type: 'string' },
        verbose: { type: 'boolean', default: false },
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
  if (values.check !== undefined) {
    const report = await checkBot(values.check);
    for (const line of report.lines) console.log(line);
    return report.ok ? 0 : 1;
  }
  const token = values.token ?? (process.env.BANANA_TOKEN || undefined) ?? readTokenFile(values['token-file']);
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
      ? new KafkaTransport({ brokers: values.kafka.split(','), trader: trader.value, token, sasl: saslFromEnv(process.env) })
      : new WsTransport({ server: values.server ?? 'http://localhost:3000', trader: trader.value, token, joinCode: values.code });
  const client = await BananaClient.connect(transport);
  const where = values.kafka !== undefined ? `Kafka ${values.kafka}` : (values.server ?? 'http://localhost:3000');
  console.log(
    `${trader.value.team}/${trader.value.name} plays "${strategy.name}" on ${where}${transport instanceof WsTransport && token === undefined ? `; its token (keep it: BANANA_TOKEN=${transport.traderToken})` : ''}; Ctrl-C stops`,
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
    botFile: STRATEGIES[values.strategy!] === undefined ? resolve(values.strategy!) : undefined,
    verbose: values.verbose,
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

/** The token kept in a file (first line), so that it is neither typed nor echoed. */
function readTokenFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    const token = readFileSync(path, 'utf8').split('\n')[0].trim();
    if (token === '') throw new BotSetupError(`--token-file ${path} is empty: expected the trader's token on its first line`);
    return token;
  } catch (err) {
    if (err instanceof BotSetupError) throw err;
    throw new BotSetupError(`--token-file ${path} cannot be read: ${(err as Error).message}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof BotSetupError ? `bot: ${err.message}` : `bot: ${err.message}`);
    process.exit(1);
  },
);
