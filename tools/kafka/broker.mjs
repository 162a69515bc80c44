#!/usr/bin/env node
/**
 * A real Apache Kafka broker without Docker: Apache Kafka's own jars from
 * Maven Central (fetched with Maven, cached in ~/.m2), a single-node KRaft
 * log directory, and the machine's Java.
 *
 *   node tools/kafka/broker.mjs fetch    resolve the jars for KAFKA_VERSION (quick when cached)
 *   node tools/kafka/broker.mjs start    start a broker on a free loopback port, print its bootstrap address
 *   node tools/kafka/broker.mjs stop     stop the broker `start` left running
 *   node tools/kafka/broker.mjs status
 *
 * As a module: startBroker() for a broker of your own, brokerForTests() for
 * tests (KAFKA_BROKERS if set, else a fresh broker, else a loud skip — or a
 * failure when CI=true).
 * Plain ESM JavaScript so that it runs before any TypeScript build.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The newest release verified with kafkajs 2.2.4 (see tools/kafka/README.md). */
export const DEFAULT_KAFKA_VERSION = '4.4.0';
const LOG4J_VERSION = '2.24.3';
const SLF4J_VERSION = '2.0.17';
const READY_TIMEOUT_MS = 90_000;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const stateFile = join(repoRoot, '.kafka', 'broker.json');
const run = promisify(execFile);

export function kafkaVersion() {
  return process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION;
}

function cacheDir(version) {
  return join(process.env.BANANA_KAFKA_CACHE || join(homedir(), '.cache', 'banana-market', 'kafka'), version);
}

/** What a machine lacks to run a broker: [] when Java and Maven are there. */
export function missingTools() {
  const missing = [];
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) missing.push('Java (java on the PATH)');
  if (!existsSync(join(cacheDir(kafkaVersion()), 'classpath.txt')) && spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) {
    missing.push('Maven (mvn on the PATH) to fetch the Kafka jars');
  }
  return missing;
}

/** Resolves the broker's classpath with Maven once; later calls read the cached file. */
export async function fetchKafka(version = kafkaVersion()) {
  const dir = cacheDir(version);
  const classpathFile = join(dir, 'classpath.txt');
  if (existsSync(classpathFile)) return readFileSync(classpathFile, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom(version));
  try {
    await run('mvn', ['-B', '-U', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}.tmp`], { cwd: dir, maxBuffer: 1 << 26 });
  } catch (err) {
    const errors = `${err.stdout ?? ''}${err.stderr ?? ''}`.split('\n').filter((l) => l.startsWith('[ERROR]')).slice(0, 3).join('\n');
    throw new Error(`Maven could not fetch Apache Kafka ${version}:\n${errors || err.message}`);
  }
  const classpath = readFileSync(`${classpathFile}.tmp`, 'utf8').trim();
  writeFileSync(classpathFile, classpath);
  rmSync(`${classpathFile}.tmp`);
  return classpath;
}

function pom(version) {
  const dep = (g, a, v) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>banana-market</groupId><artifactId>kafka-broker</artifactId><version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dep('org.apache.kafka', 'kafka_2.13', version)}
    ${dep('org.slf4j', 'slf4j-api', SLF4J_VERSION)}
    ${dep('org.apache.logging.log4j', 'log4j-slf4j2-impl', LOG4J_VERSION)}
    ${dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
  </dependencies>
</project>
`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function brokerConfig({ port, controllerPort, logDir }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    // One node: every internal topic with one replica.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=8',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created by the game server with their partition counts; a typo must not create one.
    'auto.create.topics.enable=false',
    'log.cleaner.backoff.ms=1000',
    '',
  ].join('\n');
}

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
 * Starts a single-node KRaft broker in its own temporary directory and waits
 * until it accepts clients. `detached` lets it outlive this process (`start`).
 */
export async function startBroker({ version = kafkaVersion(), detached = false, heap = '512m' } = {}) {
  const classpath = await fetchKafka(version);
  const dir = mkdtempSync(join(tmpdir(), 'banana-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  writeFileSync(configFile, brokerConfig({ port, controllerPort, logDir: join(dir, 'data') }));
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J2_CONFIG);
  const jvm = [`-Xmx${heap}`, '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, `-Dkafka.logs.file=${logFile}`, '-cp', classpath];

  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', configFile], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`kafka-storage format failed:\n${format.stderr}${format.stdout}`);

  const out = openSync(join(dir, 'stdout.log'), 'a');
  const child = spawn('java', [...jvm, 'kafka.Kafka', configFile], { detached, stdio: ['ignore', out, out] });
  closeSync(out);
  const bootstrap = `127.0.0.1:${port}`;
  const stop = async () => {
    await killProcess(child.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  if (detached) child.unref();
  else process.once('exit', () => child.kill('SIGKILL'));
  try {
    await waitUntilReady(bootstrap, child);
  } catch (err) {
    const tail = tailOf(logFile) || tailOf(join(dir, 'stdout.log'));
    await stop();
    throw new Error(`${err.message}\n--- broker log (last lines) ---\n${tail}`);
  }
  return { bootstrap, pid: child.pid, dir, version, stop };
}

/** Kafka cluster ids are 16 random bytes, URL-safe base64 without padding. */
function randomClusterId() {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

async function waitUntilReady(bootstrap, child) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = null;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`the broker exited with code ${exited} before accepting clients`);
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      // Internal topics must be creatable before consumer groups and transactions work.
      await admin.listTopics();
      if (brokers.length > 0) return;
    } catch {
      // not yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`the broker at ${bootstrap} did not accept clients within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function killProcess(pid) {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tailOf(file, lines = 30) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

/**
 * A broker for a test file: KAFKA_BROKERS when set; else a fresh broker;
 * else (no Java or Maven) undefined after a loud message — except in CI,
 * where every Kafka test must run, so it throws.
 */
export async function brokerForTests() {
  const given = process.env.KAFKA_BROKERS;
  if (given) return { bootstrap: given, stop: async () => undefined };
  const missing = missingTools();
  if (missing.length > 0) {
    const message = `Kafka tests need ${missing.join(' and ')}; this machine lacks it.`;
    if (process.env.CI) throw new Error(`${message} (CI=true: not skipping)`);
    console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING the real-Kafka tests: ${message}\n${'!'.repeat(78)}\n`);
    return undefined;
  }
  return startBroker();
}

async function main(command) {
  switch (command) {
    case 'fetch': {
      const started = Date.now();
      const classpath = await fetchKafka();
      console.log(`Apache Kafka ${kafkaVersion()}: ${classpath.split(':').length} jars ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return;
    }
    case 'start': {
      if (existsSync(stateFile)) {
        const state = JSON.parse(readFileSync(stateFile, 'utf8'));
        if (isAlive(state.pid)) {
          console.log(state.bootstrap);
          console.error(`a broker already runs (pid ${state.pid}); npm run kafka:stop stops it`);
          return;
        }
      }
      const broker = await startBroker({ detached: true });
      mkdirSync(dirname(stateFile), { recursive: true });
      writeFileSync(stateFile, JSON.stringify({ pid: broker.pid, bootstrap: broker.bootstrap, dir: broker.dir, version: broker.version }, null, 2));
      console.log(broker.bootstrap);
      console.error(`Apache Kafka ${broker.version} (KRaft, single node) is up: KAFKA_BROKERS=${broker.bootstrap} npm start`);
      return;
    }
    case 'stop': {
      if (!existsSync(stateFile)) return console.log('no broker was started with kafka:start');
      const state = JSON.parse(readFileSync(stateFile, 'utf8'));
      await killProcess(state.pid);
      rmSync(state.dir, { recursive: true, force: true });
      rmSync(stateFile);
      return console.log(`stopped the broker at ${state.bootstrap}`);
    }
    case 'status': {
      if (!existsSync(stateFile)) return console.log('not running');
      const state = JSON.parse(readFileSync(stateFile, 'utf8'));
      return console.log(isAlive(state.pid) ? `running at ${state.bootstrap} (pid ${state.pid}, Kafka ${state.version})` : 'not running (stale state)');
    }
    default:
      console.error('usage: node tools/kafka/broker.mjs fetch|start|stop|status   (KAFKA_VERSION picks the release)');
      process.exitCode = 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2]).catch((err) => {
    console.error(`kafka broker: ${err.message}`);
    process.exit(1);
  });
}
