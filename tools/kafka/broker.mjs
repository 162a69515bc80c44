#!/usr/bin/env node
/**
 * A real Apache Kafka broker without Docker: Apache Kafka's own jars from
 * Maven Central (fetch.mjs), a single-node KRaft log directory, and the
 * machine's Java.
 *
 *   node tools/kafka/broker.mjs fetch    resolve the jars for KAFKA_VERSION (instant when cached)
 *   node tools/kafka/broker.mjs start    start a broker on a free loopback port, print its bootstrap address
 *        … start --secure                  the same, secured: SASL/SCRAM users and ACLs (see secureSetup)
 *   node tools/kafka/broker.mjs stop     stop the broker `start` left running
 *   node tools/kafka/broker.mjs status   is one running?
 *
 * As a module: startBroker() for a broker of your own, brokerForTests() for
 * tests (KAFKA_BROKERS if set, else a fresh broker, else a loud skip — or a
 * failure when CI=true).
 * Plain ESM JavaScript so that it runs before any TypeScript build.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { cachedClasspath, DEFAULT_KAFKA_VERSION, fetchKafka, kafkaVersion } from './fetch.mjs';

export { DEFAULT_KAFKA_VERSION, fetchKafka, kafkaVersion };

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;
const START_ATTEMPTS = 3;

const stateFile = join(fileURLToPath(new URL('../../', import.meta.url)), '.kafka', 'broker.json');
const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function javaCommand() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** What this machine lacks to run a broker of `version`: [] when nothing. */
export function missingTools(version = kafkaVersion()) {
  const missing = [];
  // Kafka 4 brokers need Java 17; 3.x brokers ran on 11.
  const needed = Number(version.split('.')[0]) >= 4 ? 17 : 11;
  const java = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8' });
  const found = java.status === 0 ? javaMajor(java.stderr) : undefined;
  if (found === undefined) missing.push(`Java ${needed}+ (java on the PATH or in JAVA_HOME)`);
  else if (found < needed) missing.push(`Java ${needed}+ (found Java ${found})`);
  if (cachedClasspath(version) === undefined && spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) {
    missing.push('Maven (mvn on the PATH) to fetch the Kafka jars');
  }
  return missing;
}

function javaMajor(versionText) {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]); // "1.8.0" is Java 8
}

/**
 * Starts a single-node KRaft broker and waits until it accepts clients.
 *
 * logDir: where its config, data and log go — by default a fresh temporary
 * directory that stop() deletes; a directory you pass is kept (read its
 * broker.log after a failure). detached: the broker outlives this process
 * (`start`); otherwise a watchdog stops it when this process dies.
 */
export async function startBroker({ version = kafkaVersion(), logDir, detached = false, heap = '512m', secure = false } = {}) {
  const classpath = await fetchKafka(version);
  const ownDir = logDir === undefined;
  const dir = ownDir ? mkdtempSync(join(tmpdir(), 'banana-kafka-')) : logDir;
  mkdirSync(dir, { recursive: true });
  const users = secure ? await secureUsers(dir) : undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const broker = await launch({ version, classpath, dir, ownDir, detached, heap, users });
      if (users === undefined) return broker;
      try {
        await grantPlayers(broker.bootstrap, users);
      } catch (err) {
        await broker.stop();
        throw new Error(`the secured broker started, but its ACLs could not be created: ${err.message}`);
      }
      return { ...broker, users };
    } catch (err) {
      // Another process may grab a free port between our check and the broker's bind.
      if (!err.portTaken || attempt === START_ATTEMPTS) {
        if (ownDir) rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      rmSync(join(dir, 'data'), { recursive: true, force: true });
    }
  }
}

async function launch({ version, classpath, dir, ownDir, detached, heap, users }) {
  const [port, controllerPort] = await freePorts(2);
  const configFile = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  const config = brokerConfig({ port, controllerPort, dataDir: join(dir, 'data') });
  writeFileSync(configFile, users === undefined ? config : secureConfig(config, port, users.server), { mode: 0o600 });
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J2_CONFIG);
  const jvm = [
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    `-Dkafka.logs.file=${logFile}`,
    '-cp',
    classpath,
  ];

  // A logDir that an earlier broker formatted keeps its cluster id and data.
  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    try {
      // A secured broker's SCRAM users exist from the start (KRaft keeps them in its metadata log).
      const scram =
        users === undefined ? [] : Object.values(users).flatMap((u) => ['--add-scram', `SCRAM-SHA-256=[name=${u.username},password=${u.password}]`]);
      await run(javaCommand(), [...jvm, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', configFile, ...scram]);
    } catch (err) {
      throw new Error(`formatting the KRaft log dir failed (kafka.tools.StorageTool):\n${err.stderr ?? ''}${err.stdout ?? err.message}`);
    }
  }

  const out = openSync(join(dir, 'stdout.log'), 'a');
  const child = spawn(javaCommand(), [...jvm, 'kafka.Kafka', configFile], { detached, stdio: ['ignore', out, out] });
  closeSync(out);
  let exit = null;
  child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
  child.once('error', (err) => (exit = `error ${err.message}`));

  const killOnExit = () => child.kill('SIGKILL');
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.off('exit', killOnExit);
      await killProcess(child.pid);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    })());
  if (detached) child.unref();
  else {
    process.once('exit', killOnExit);
    if (child.pid !== undefined) guardAgainstOrphan(child.pid, ownDir ? dir : '');
  }

  const bootstrap = `127.0.0.1:${port}`;
  try {
    await waitUntilReady(bootstrap, () => exit, users?.server);
  } catch (err) {
    const tail = tailOf(logFile) || tailOf(join(dir, 'stdout.log'));
    await killProcess(child.pid);
    process.off('exit', killOnExit);
    const failure = new Error(`${err.message}\n--- ${logFile} (last lines) ---\n${tail}`);
    failure.portTaken = /Address already in use|BindException/.test(tail);
    throw failure;
  }
  return { bootstrap, pid: child.pid, dir, version, stop };
}

/** Ports the OS reports free, all held at once so that they differ. */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

function brokerConfig({ port, controllerPort, dataDir }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // One node: every internal topic with one replica (fewer partitions: faster first group join).
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=8',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'default.replication.factor=1',
    // Consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Off: the game server creates its topics with their partition counts and configs;
    // with it on, a typo or an early consumer would silently create a 1-partition topic.
    'auto.create.topics.enable=false',
    'log.cleaner.backoff.ms=1000',
    // A SIGKILLed game server's open transaction (its timeout is 5 s) is aborted within a second of
    // timing out rather than within 10 s (the default sweep): its tasks' new owner waits for that.
    'transaction.abort.timed.out.transaction.cleanup.interval.ms=1000',
    '',
  ].join('\n');
}

/**
 * A secured broker: clients authenticate with SASL/SCRAM-SHA-256 (over
 * plaintext: the broker listens on loopback) and an authorizer refuses what no
 * ACL allows. The server's user is a super user (it creates topics, runs
 * transactions, owns its groups); the players' user gets the ACLs and the
 * per-client write quota of grantPlayers. The controller's listener stays plaintext on loopback, its
 * principal (ANONYMOUS) a super user: the broker in this same JVM talks to it.
 */
function secureConfig(config, port, server) {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${server.username}" password="${server.password}";`;
  return config
    .replace(`listeners=PLAINTEXT://127.0.0.1:${port}`, `listeners=SASL_PLAINTEXT://127.0.0.1:${port}`)
    .replace(`advertised.listeners=PLAINTEXT://127.0.0.1:${port}`, `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`)
    .replace('listener.security.protocol.map=PLAINTEXT:PLAINTEXT,', 'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,')
    .replace('inter.broker.listener.name=PLAINTEXT', 'inter.broker.listener.name=SASL_PLAINTEXT')
    .concat(
      [
        'sasl.enabled.mechanisms=SCRAM-SHA-256',
        'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
        `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${jaas}`,
        'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        `super.users=User:${server.username};User:ANONYMOUS`,
        'allow.everyone.if.no.acl.found=false',
        '',
      ].join('\n'),
    );
}

/**
 * The secured broker's users (the same ones again when its log dir is reused):
 * `banana-market` for the server, `player` for every participant's client.
 * Kept in the broker's own directory, readable by its owner only.
 */
async function secureUsers(dir) {
  const file = join(dir, 'users.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { PLAYER_KAFKA_USER, SERVER_KAFKA_USER } = await import('@banana-market/protocol');
  const password = () => randomBytes(18).toString('base64url');
  const users = { server: { username: SERVER_KAFKA_USER, password: password() }, player: { username: PLAYER_KAFKA_USER, password: password() } };
  writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  return users;
}

/**
 * The players' ACLs, from the protocol's table of who may do what (topics
 * players write and read, the server's reserved prefix). TypeScript of the
 * workspace: this runs under tsx (npm run kafka:start) or vitest.
 */
async function grantPlayers(bootstrap, users) {
  const { createKafkaClient, grantPlayerAccess, limitPlayerClients } = await import('@banana-market/kafka');
  const protocol = await import('@banana-market/protocol');
  const sasl = { mechanism: 'scram-sha-256', ...users.server };
  const admin = createKafkaClient({ brokers: [bootstrap], sasl }).admin();
  await admin.connect();
  try {
    await grantPlayerAccess(admin, `User:${users.player.username}`, {
      writeTopics: protocol.PLAYER_WRITABLE_TOPICS,
      readTopics: protocol.PLAYER_READABLE_TOPICS,
      reservedPrefix: protocol.SERVER_RESOURCE_PREFIX,
      ownTopicPrefix: protocol.LIVE_TOPIC_PREFIX,
    });
  } finally {
    await admin.disconnect();
  }
  await limitPlayerClients({ brokers: [bootstrap], sasl, user: users.player.username, producerBytesPerSecond: PLAYER_CLIENT_BYTES_PER_SECOND });
}

/**
 * What each player client may write a second: ≈ 150 orders (an order's record is ≈ 110 bytes), seven
 * times the default rate limit, so an honest bot never meets it and a flooding one costs the game no
 * more than that.
 */
const PLAYER_CLIENT_BYTES_PER_SECOND = 16 * 1024;

// Everything to the broker's own file, nothing on the console of whoever started it.
const LOG4J2_CONFIG = `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
`;

/**
 * Kafka cluster ids are 16 random bytes, URL-safe base64 without padding.
 * One in 64 starts with '-', which StorageTool's argument parser reads as an
 * option ("--cluster-id: expected one argument"); Kafka's own Uuid.randomUuid
 * draws again in that case, and so do we.
 */
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function waitUntilReady(bootstrap, exitOf, credentials) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const sasl = credentials === undefined ? undefined : { mechanism: 'scram-sha-256', ...credentials };
  for (;;) {
    if (exitOf() !== null) throw new Error(`the broker exited (${exitOf()}) before accepting clients`);
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000, sasl }).admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      await admin.listTopics();
      if (brokers.length > 0) return;
    } catch {
      // not listening yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`the broker at ${bootstrap} did not accept clients within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
}

/**
 * A test runner killed hard (SIGKILL, a CI timeout) runs no exit handler: a
 * small detached process stops the broker and deletes its temporary directory
 * once this process is gone, and ends by itself when the broker does.
 */
function guardAgainstOrphan(brokerPid, dirToRemove) {
  const watchdog = `
    const [parent, broker, dir] = process.argv.slice(1);
    const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const poll = setInterval(() => {
      if (!alive(broker)) process.exit(0);
      if (alive(parent)) return;
      clearInterval(poll);
      process.kill(Number(broker), 'SIGTERM');
      const deadline = Date.now() + ${STOP_GRACE_MS};
      setInterval(() => {
        if (alive(broker) && Date.now() < deadline) return;
        if (alive(broker)) process.kill(Number(broker), 'SIGKILL');
        if (dir) require('node:fs').rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      }, 200);
    }, 1000);`;
  spawn(process.execPath, ['-e', watchdog, String(process.pid), String(brokerPid), dirToRemove], { detached: true, stdio: 'ignore' }).unref();
}

/** SIGTERM (Kafka shuts down cleanly), SIGKILL if it is still there after STOP_GRACE_MS. */
async function killProcess(pid) {
  if (pid === undefined || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** The state file's pid is ours only while it is still a Kafka broker (pids get reused). */
function isBrokerProcess(pid) {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self')) return isAlive(pid);
  return existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('kafka.Kafka');
}

function tailOf(file, lines = 30) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

/**
 * A broker for a test file: KAFKA_BROKERS when set (stop() then does nothing);
 * else a fresh broker that stop() ends; else (no Java or Maven) undefined after
 * a loud message — except in CI, where every Kafka test must run, so it throws.
 */
export async function brokerForTests() {
  const given = process.env.KAFKA_BROKERS;
  if (given) return { bootstrap: given, stop: async () => undefined };
  const missing = missingTools();
  if (missing.length > 0) {
    const message = `the real-Kafka tests need ${missing.join(' and ')}, which this machine lacks`;
    if (process.env.CI && !['false', '0'].includes(process.env.CI)) throw new Error(`${message} (CI is set: not skipping)`);
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPING: ${message}.\n!! Install them, or set KAFKA_BROKERS=host:port to use a running broker.\n${'!'.repeat(78)}\n`,
    );
    return undefined;
  }
  return startBroker();
}

function readState() {
  return existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : undefined;
}

const commands = {
  async fetch() {
    const started = Date.now();
    const classpath = await fetchKafka();
    console.log(`Apache Kafka ${kafkaVersion()}: ${classpath.split(':').length} jars ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  },
  async start({ secure }) {
    const state = readState();
    if (state && isBrokerProcess(state.pid)) {
      console.log(state.bootstrap);
      console.error(
        `a broker already runs (pid ${state.pid}, Kafka ${state.version}${state.secure ? ', secured' : ''}); npm run kafka:stop stops it`,
      );
      return;
    }
    if (state) rmSync(state.dir, { recursive: true, force: true }); // left by a broker that died
    const started = Date.now();
    const broker = await startBroker({ detached: true, secure });
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(
      stateFile,
      `${JSON.stringify({ pid: broker.pid, bootstrap: broker.bootstrap, dir: broker.dir, version: broker.version, secure }, null, 2)}\n`,
    );
    // Only the address on stdout: KAFKA_BROKERS=$(npm run -s kafka:start) works.
    console.log(broker.bootstrap);
    const kind = secure ? 'KRaft, single node, SASL/SCRAM-SHA-256 with ACLs' : 'KRaft, single node';
    console.error(
      `Apache Kafka ${broker.version} (${kind}) up in ${((Date.now() - started) / 1000).toFixed(1)} s, log: ${join(broker.dir, 'broker.log')}`,
    );
    if (!secure) return console.error(`play on it: KAFKA_BROKERS=${broker.bootstrap} npm start`);
    const { server, player } = broker.users;
    console.error(
      `the server: KAFKA_BROKERS=${broker.bootstrap} KAFKA_SASL_USERNAME=${server.username} KAFKA_SASL_PASSWORD=${server.password} npm start`,
    );
    console.error(`the players (write the action topics and gibber-gibbs, read the game's): user ${player.username}, password ${player.password}`);
    console.error(`(both kept in ${join(broker.dir, 'users.json')})`);
  },
  async stop() {
    const state = readState();
    if (!state) return console.log('no broker was started with kafka:start');
    if (isBrokerProcess(state.pid)) await killProcess(state.pid);
    rmSync(state.dir, { recursive: true, force: true });
    rmSync(stateFile, { force: true });
    console.log(`stopped the broker at ${state.bootstrap}`);
  },
  async status() {
    const state = readState();
    if (state && isBrokerProcess(state.pid)) console.log(`running at ${state.bootstrap} (pid ${state.pid}, Kafka ${state.version}, ${state.dir})`);
    else console.log(state ? 'not running (its state is stale: kafka:stop cleans it)' : 'not running');
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const usage = 'usage: node tools/kafka/broker.mjs fetch|start [--secure]|stop|status   (KAFKA_VERSION picks the release)';
  let args;
  try {
    args = parseArgs({
      strict: true,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, secure: { type: 'boolean', default: false } },
    });
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    process.exit(2);
  }
  if (args.values.help) {
    console.log(usage);
    process.exit(0);
  }
  const [name, ...extra] = args.positionals;
  const command = name !== undefined && extra.length === 0 && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(name === undefined || extra.length === 0 ? usage : `one command at a time, got ${args.positionals.join(' ')}\n${usage}`);
    process.exit(2);
  }
  if (args.values.secure && name !== 'start') {
    console.error(`--secure is an option of start\n${usage}`);
    process.exit(2);
  }
  command({ secure: args.values.secure }).catch((err) => {
    console.error(`kafka broker: ${err.message}`);
    process.exit(1);
  });
}
