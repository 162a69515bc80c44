/**
 * Apache Kafka's jars from Maven Central, resolved once with Maven.
 *
 * A generated pom (org.apache.kafka:kafka_2.13 + a log4j2 backend, so the
 * broker logs to a file) is resolved with `mvn dependency:build-classpath`;
 * the jars stay in ~/.m2 and the classpath is written to
 * ~/.cache/banana-market/kafka/<version>/classpath.txt, so that a later start
 * calls no Maven at all. The cache is trusted only while every jar it lists
 * still exists (a wiped ~/.m2 triggers a new resolution).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';

/** The newest release verified with kafkajs 2.2.4 (see tools/kafka/README.md). */
export const DEFAULT_KAFKA_VERSION = '4.4.0';
// The logging backend Kafka 4.x itself ships with (libs/ of the binary release).
const LOG4J_VERSION = '2.24.3';
const SLF4J_VERSION = '2.0.17';

const run = promisify(execFile);

export function kafkaVersion() {
  return process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION;
}

export function cacheDir(version = kafkaVersion()) {
  return join(process.env.BANANA_KAFKA_CACHE || join(homedir(), '.cache', 'banana-market', 'kafka'), version);
}

/** The cached classpath when every jar in it is still there, else undefined. */
export function cachedClasspath(version = kafkaVersion()) {
  const file = join(cacheDir(version), 'classpath.txt');
  if (!existsSync(file)) return undefined;
  const classpath = readFileSync(file, 'utf8').trim();
  return classpath !== '' && classpath.split(':').every((jar) => existsSync(jar)) ? classpath : undefined;
}

/** Resolves the broker's classpath with Maven once; later calls read the cached file. */
export async function fetchKafka(version = kafkaVersion()) {
  const cached = cachedClasspath(version);
  if (cached !== undefined) return cached;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`KAFKA_VERSION must look like 4.4.0 (a release on Maven Central), got "${version}"`);
  const dir = cacheDir(version);
  const classpathFile = join(dir, 'classpath.txt');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom(version));
  try {
    await run('mvn', ['-B', '-q', '-U', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}.tmp`], { cwd: dir, maxBuffer: 1 << 26 });
  } catch (err) {
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    // Maven's first [ERROR] line says what went wrong; the rest is advice on -e and -X.
    const firstError = stripVTControlCharacters(output)
      .split('\n')
      .find((l) => l.startsWith('[ERROR]'));
    throw new Error(`Maven could not fetch Apache Kafka ${version} (is it a release on Maven Central?):\n${firstError ?? err.message}`);
  }
  // Written under another name first: an interrupted fetch leaves no half classpath behind.
  renameSync(`${classpathFile}.tmp`, classpathFile);
  return readFileSync(classpathFile, 'utf8').trim();
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
