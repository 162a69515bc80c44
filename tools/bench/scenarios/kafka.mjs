/**
 * The Kafka rows: the baseline pipes (benchPipe: kafka-pipe-batched, kafka-pipe-eos and their open
 * loops, and the broker's warm-up), the built server (benchServer: kafka-e2e, kafka-e2e-20/-400,
 * kafka-http-e2e-100) and N servers sharing one game (benchServers: kafka-servers-N).
 */
import kafkajs from 'kafkajs';
import { TOPICS } from '@banana-market/protocol';
import { LIMITS, RUN } from '../lib/limits.mjs';
import { closedLoop, openLoop, warmUp } from '../lib/loops.mjs';
import { httpPlayers } from '../lib/players.mjs';
import { clusterSettled, createTopics, kafkaClient, pipeJs, spawnChild, spawnServer, stopChild } from '../lib/processes.mjs';
import { log } from '../lib/report.mjs';

const { Kafka, logLevel } = kafkajs;

/**
 * A baseline pipe (tools/bench/pipe.mjs, `mode` batched or eos) in its own process on topics of its
 * own shaped as market-orders and txn-results (8 partitions; the game's topics hold the game), under
 * the loads the server gets: closed loop, then open loop at each rate. Returns its rows by load.
 */
export async function benchPipe(bootstrap, mode, { brokerWarmUp = false } = {}) {
  const name = `kafka-pipe-${mode}`;
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const [input, output] = [`bench-${mode}-orders-${RUN}`, `bench-${mode}-results-${RUN}`];
  await createTopics(admin, [
    { topic: input, numPartitions: TOPICS.marketOrders.partitions },
    { topic: output, numPartitions: TOPICS.txnResults.partitions },
  ]);
  let pipe;
  let client;
  try {
    pipe = await spawnChild(name, [pipeJs, mode, bootstrap, input, output], {}, (out) => (out.includes('ready') ? true : undefined));
    client = await kafkaClient(bootstrap, input, output);
    await warmUp(client, `${mode}w`);
    if (brokerWarmUp) {
      await closedLoop('broker warm-up', LIMITS.brokerWarmUpOrders, client.send, client.onAnswer, {
        quiet: true,
        prefix: `${mode}b`,
        maxSeconds: LIMITS.brokerWarmUpSeconds,
      });
      return {};
    }
    const rows = { closed: await closedLoop(name, LIMITS.kafkaOrders, client.send, client.onAnswer, { prefix: `${mode}c` }) };
    for (const rate of LIMITS.rates)
      rows[rate] = await openLoop(`${name}-${rate}`, rate, client.send, client.onAnswer, { prefix: `${mode}o${rate}` });
    if (pipe.child.exitCode !== null) log(`${name}: the pipe exited: ${pipe.tail()}`);
    return rows;
  } finally {
    await client?.close();
    if (pipe !== undefined) {
      await stopChild(pipe);
      const stats = /stats (\{.*\})/.exec(pipe.output.join(''))?.[1];
      if (stats !== undefined && !brokerWarmUp) {
        const s = JSON.parse(stats);
        const per =
          mode === 'eos'
            ? `${s.transactions} transactions, ${(s.answers / s.transactions).toFixed(1)}`
            : `${s.sends} sends, ${(s.answers / s.sends).toFixed(1)}`;
        log(`${name}: ${s.answers} answers in ${s.batches} batches; ${per} answers each`);
      }
    }
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The built server in its own process: kafka-e2e (closed loop), kafka-e2e-20 and -400 (open loop), kafka-http-e2e-100. */
export async function benchServer(bootstrap, pipes) {
  const vs = (load) => [pipes.eos?.[load], pipes.batched?.[load]];
  const rows = [];
  let server;
  let client;
  try {
    server = await spawnServer(bootstrap);
    const settled = await clusterSettled([server]);
    client = await kafkaClient(bootstrap, TOPICS.marketOrders.name, TOPICS.txnResults.name);
    await warmUp(client, `e2e${RUN}w`);
    rows.push(
      await closedLoop('kafka-e2e', LIMITS.kafkaOrders, client.send, client.onAnswer, {
        prefix: `e2e${RUN}c`,
        note: settled,
        baselines: vs('closed'),
      }),
    );
    for (const rate of [20, 400])
      rows.push(await openLoop(`kafka-e2e-${rate}`, rate, client.send, client.onAnswer, { prefix: `e2e${RUN}o${rate}`, baselines: vs(rate) }));
    const players = await httpPlayers(server.url);
    const http = await openLoop('kafka-http-e2e-100', 100, players.send, players.onAnswer, { prefix: `http${RUN}`, baselines: vs(100) });
    if (players.failures.length > 0)
      log(`kafka-http-e2e-100: ${players.failures.length} requests failed (${[...new Set(players.failures)].join(', ')})`);
    rows.push(http);
    return rows;
  } finally {
    await client?.close();
    if (server !== undefined) await stopChild(server);
  }
}

/** N servers on one broker, one game: the first starts alone (it creates the topics), the others together. */
export async function benchServers(bootstrap, n, baselines) {
  const servers = [];
  let client;
  try {
    servers.push(await spawnServer(bootstrap));
    servers.push(...(await Promise.all(Array.from({ length: n - 1 }, () => spawnServer(bootstrap)))));
    const settled = await clusterSettled(servers);
    client = await kafkaClient(bootstrap, TOPICS.marketOrders.name, TOPICS.txnResults.name);
    // Unreported: the servers' code warms up (JIT) and their consumers reach the end of the topic.
    await warmUp(client, `bench${n}w${RUN}`);
    const exited = servers.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).length;
    const note = `${settled}${exited > 0 ? `  (${exited} of ${n} servers exited during the warm-up)` : ''}`;
    return await closedLoop(`kafka-servers-${n}`, LIMITS.kafkaOrders, client.send, client.onAnswer, { prefix: `bench${n}m${RUN}`, note, baselines });
  } finally {
    await client?.close();
    await Promise.all(servers.map(stopChild));
  }
}
