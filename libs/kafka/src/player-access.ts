/**
 * The ACLs of a secured broker that let players play and nothing more: write
 * the topics they act on, read what the game publishes, join any consumer
 * group and use any transactional id — except the server's own (a player in
 * the server's group would take its tasks; one with its transactional id would
 * fence its producers), denied by prefix, as Kafka lets a DENY win over an ALLOW.
 * Everything else (the server's changelogs, registrations, commands) is
 * refused, as the broker refuses all that no ACL allows.
 */
import kafkajs from 'kafkajs';
import type { Admin, AclEntry } from 'kafkajs';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export interface PlayerAccessRules {
  /** Topics players write (and read). */
  readonly writeTopics: readonly string[];
  /** Topics players read. */
  readonly readTopics: readonly string[];
  /** Consumer groups and transactional ids with this prefix are the server's alone. */
  readonly reservedPrefix: string;
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
  const { READ, WRITE, DESCRIBE, IDEMPOTENT_WRITE, ALL } = AclOperationTypes;
  const readable = [...new Set([...rules.writeTopics, ...rules.readTopics])];
  return [
    ...rules.writeTopics.map((topic) => entry(TOPIC, topic, WRITE)),
    ...readable.flatMap((topic) => [entry(TOPIC, topic, READ), entry(TOPIC, topic, DESCRIBE)]),
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
