// Types for broker.mjs (plain JavaScript so that it runs before any build).

/** The newest Apache Kafka release verified with kafkajs 2.2.4 (tools/kafka/README.md). */
export declare const DEFAULT_KAFKA_VERSION: string;

/** KAFKA_VERSION, else DEFAULT_KAFKA_VERSION. */
export declare function kafkaVersion(): string;

/** Resolves the broker's jars with Maven (cached); resolves to the Java classpath. */
export declare function fetchKafka(version?: string): Promise<string>;

/** What this machine lacks to run a broker (e.g. "Maven (mvn on the PATH) …"); [] when nothing. */
export declare function missingTools(version?: string): string[];

export interface StartBrokerOptions {
  /** An Apache Kafka release on Maven Central; default kafkaVersion(). */
  version?: string;
  /** Config, data and broker.log go here; default a temp dir that stop() deletes. A given dir is kept, and a later start reuses its data. */
  logDir?: string;
  /** Outlive this process (the CLI's `start`); default false: a watchdog stops the broker when this process dies. */
  detached?: boolean;
  /** JVM -Xmx; default '512m'. */
  heap?: string;
  /**
   * SASL/SCRAM-SHA-256 on the client listener and ACLs: the server's user a super user, the players' user
   * limited to what the protocol lets players do. Needs the workspace's TypeScript resolvable (tsx or vitest).
   */
  secure?: boolean;
}

export interface BrokerUser {
  readonly username: string;
  readonly password: string;
}

export interface StartedBroker {
  /** "127.0.0.1:PORT", for kafkajs `brokers: [bootstrap]` or KAFKA_BROKERS. */
  readonly bootstrap: string;
  readonly pid: number;
  readonly dir: string;
  readonly version: string;
  /** A secured broker's users. */
  readonly users?: { readonly server: BrokerUser; readonly player: BrokerUser };
  /** SIGTERM, SIGKILL after 15 s, then deletes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a single-node KRaft broker on free loopback ports; resolves once kafkajs can describe the cluster. */
export declare function startBroker(options?: StartBrokerOptions): Promise<StartedBroker>;

export interface TestBroker {
  readonly bootstrap: string;
  /** Present when this call started the broker (not for KAFKA_BROKERS). */
  readonly pid?: number;
  stop(): Promise<void>;
}

/**
 * KAFKA_BROKERS when set (stop() does nothing); else a fresh broker; else, without
 * Java or Maven, undefined after a loud SKIPPING message — it throws instead when CI is set.
 */
export declare function brokerForTests(): Promise<TestBroker | undefined>;
