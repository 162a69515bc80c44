/** The players' ACL entries: what a secured broker lets them do (the secured broker itself: apps/game-server/test/integration/secure-broker.test.ts). */
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { playerAcls } from '../src/player-access.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const RULES = { writeTopics: ['market-orders'], readTopics: ['share-price'], reservedPrefix: 'banana-market' };

/** The topics granted by prefix. */
const prefixedTopics = (acls: ReturnType<typeof playerAcls>) =>
  acls.filter((a) => a.resourceType === AclResourceTypes.TOPIC && a.resourcePatternType === ResourcePatternTypes.PREFIXED).map((a) => a.resourceName);

describe('playerAcls', () => {
  it('lets players create, write, read and describe the topics of their own prefix (--live), by prefix', () => {
    const acls = playerAcls('User:player', { ...RULES, ownTopicPrefix: 'live-' });
    const own = acls.filter((a) => a.resourceName === 'live-');
    expect(own.map((a) => a.operation).sort()).toEqual(
      [AclOperationTypes.CREATE, AclOperationTypes.WRITE, AclOperationTypes.READ, AclOperationTypes.DESCRIBE].sort(),
    );
    for (const acl of own) {
      expect(acl).toMatchObject({
        resourceType: AclResourceTypes.TOPIC,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        permissionType: AclPermissionTypes.ALLOW,
        principal: 'User:player',
      });
    }
  });

  it('grants no topic by prefix, and no CREATE at all, without an own prefix', () => {
    const acls = playerAcls('User:player', RULES);
    expect(prefixedTopics(acls)).toEqual([]);
    expect(acls.filter((a) => a.operation === AclOperationTypes.CREATE)).toEqual([]);
    // The game's own topics stay literal grants.
    expect(acls.filter((a) => a.resourceType === AclResourceTypes.TOPIC).every((a) => a.resourcePatternType === ResourcePatternTypes.LITERAL)).toBe(
      true,
    );
  });
});
