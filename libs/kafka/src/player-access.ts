/**
 * The ACLs of a secured broker that let players play and nothing more: write
 * the topics they act on, read what the game publishes, join any consumer
 * group and use any transactional id — except the server's own (a player in
 * the server's group would take its tasks; one with its transactional id would
 * fence its producers), denied by prefix, as Kafka lets a DENY win over an ALLOW —
 * and create, write and read topics of their own prefix (`npm run exercises -- --live`).
 * Everything else (the server's changelogs, registrations, commands) is
 * refused, as the broker refuses all that no ACL allows.
 */
import kafkajs from 'kafkajs';
import type { Admin, AclEntry } from 'kafkajs';
import { platformaticSasl, type SaslCredentials } from './sasl.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export interface PlayerAccessRules {
  /** Topics players write (and read). */
  readonly writeTopics: readonly string[];
  /** Topics players read. */
  readonly readTopics: readonly string[];
  /** Consumer groups and transactional ids with this prefix are the server's alone. */
  readonly reservedPrefix: string;
  /** Topics with this prefix are the players' own: they may create, write and read them (a participant's `--live` run). */
  readonly ownTopicPrefix?: string;
}

/** The ACL entries for `principal` (e.g. `User:player`). */
export function playerAcls(principal: string, rules: PlayerAccessRules): AclEntry[] {
  const entry = (
    resourceType: AclEntry['resourceType'],
    resourceName: string,
    operation: AclEntry['operation'],
    permissionType: AclEntry['permissionType'] = AclPermissionTypes.ALLOW,
    resourcePatternType: AclEntry['resourcePatternType'] = ResourcePatternTypes.LITERAL,
  ): AclEntry => ({ resourceType, resourceName, resourcePatternType, principal, host: '*', operation, permissionType });
  const { TOPIC, GROUP, TRANSACTIONAL_ID, CLUSTER } = AclResourceTypes;
  const { READ, WRITE, DESCRIBE, CREATE, IDEMPOTENT_WRITE, ALL } = AclOperationTypes;
  const readable = [...new Set([...rules.writeTopics, ...rules.readTopics])];
  return [
    ...rules.writeTopics.map((topic) => entry(TOPIC, topic, WRITE)),
    ...readable.flatMap((topic) => [entry(TOPIC, topic, READ), entry(TOPIC, topic, DESCRIBE)]),
    ...(rules.ownTopicPrefix === undefined
      ? []
      : [CREATE, WRITE, READ, DESCRIBE].map((operation) =>
          entry(TOPIC, rules.ownTopicPrefix as string, operation, AclPermissionTypes.ALLOW, ResourcePatternTypes.PREFIXED),
        )),
    entry(GROUP, '*', READ),
    entry(GROUP, '*', DESCRIBE),
    entry(GROUP, rules.reservedPrefix, ALL, AclPermissionTypes.DENY, ResourcePatternTypes.PREFIXED),
    entry(TRANSACTIONAL_ID, '*', WRITE),
    entry(TRANSACTIONAL_ID, '*', DESCRIBE),
    entry(TRANSACTIONAL_ID, rules.reservedPrefix, ALL, AclPermissionTypes.DENY, ResourcePatternTypes.PREFIXED),
    // Idempotent producers of older Java clients (before Kafka 3.0's KIP-679) ask for it on the cluster.
    entry(CLUSTER, 'kafka-cluster', IDEMPOTENT_WRITE),
  ];
}

/** Creates the players' ACLs on the broker (idempotent: the broker keeps one of each). */
export async function grantPlayerAccess(admin: Admin, principal: string, rules: PlayerAccessRules): Promise<void> {
  await admin.createAcls({ acl: playerAcls(principal, rules) });
}

/**
 * Caps what each client of `user` may write (producer_byte_rate per client id, KIP-55's user + default
 * client-id quota): the broker delays its answers to a client over the cap, and mutes it (KIP-219), so a
 * producer writing as fast as it can costs the broker — and the game server reading the action topics —
 * no more than a client at the cap. @platformatic/kafka's admin: kafkajs has no AlterClientQuotas.
 */
export async function limitPlayerClients(options: {
  readonly brokers: readonly string[];
  readonly sasl: SaslCredentials;
  readonly user: string;
  readonly producerBytesPerSecond: number;
}): Promise<void> {
  // Loaded here only: the package's main entry stays kafkajs alone for the bots that import it.
  const { Admin: PlatformaticAdmin } = await import('./platformatic.js');
  const admin = new PlatformaticAdmin({
    clientId: 'banana-market-quotas',
    bootstrapBrokers: [...options.brokers],
    sasl: platformaticSasl(options.sasl),
  });
  try {
    const [result] = await admin.alterClientQuotas({
      entries: [
        {
          entities: [
            { entityType: 'user', entityName: options.user },
            { entityType: 'client-id', entityName: null },
          ],
          ops: [{ key: 'producer_byte_rate', value: options.producerBytesPerSecond, remove: false }],
        },
      ],
    });
    if (result !== undefined && result.errorCode !== 0)
      throw new Error(`the broker refused the quota: ${result.errorMessage ?? `error ${result.errorCode}`}`);
  } finally {
    await admin.close();
  }
}
