/**
 * A task group outlives its broker: with the broker SIGKILLed every task is
 * revoked (onRevoked) and its publish refused; when the broker comes back on
 * the same log directory the bus' recovery hooks run, the group rejoins and
 * gets its tasks again through onAssigned, and no message is answered twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../../../../tools/kafka/broker.mjs';
import { KafkaBus } from '../../src/bus/kafka-bus.js';
import type { BusMessage, TaskContext } from '../../src/bus/message-bus.js';
import { eventually } from '../support/buses.js';
import { canRunOwnBrokers, Relay } from '../support/own-broker.js';

describe('a task group through a broker outage (real Kafka)', () => {
  let available = false;
  let logDir: string | undefined;
  let broker: StartedBroker | undefined;
  const relay = new Relay();

  beforeAll(async () => {
    available = await canRunOwnBrokers('task-groups-outage');
    if (!available) return;
    logDir = mkdtempSync(join(tmpdir(), 'banana-task-outage-'));
    broker = await startBroker({ logDir });
    relay.target = broker.bootstrap;
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
    await relay.close();
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it('revokes every task when the broker goes, and assigns them again after the recovery hooks when it returns', async (ctx) => {
    if (!available) ctx.skip('no Kafka broker on this machine (see the message above)');
    const bus = await KafkaBus.connect({ brokers: [await relay.listen()], heartbeatMs: 500 });
    const events: string[] = [];
    const contexts = new Map<number, TaskContext>();
    const handled: BusMessage[] = [];
    try {
      await bus.ensureTopics([
        { name: 'outage-in', partitions: 4, config: {} },
        { name: 'outage-out', partitions: 4, config: {} },
      ]);
      bus.onRecovery(async () => {
        events.push('recovery hook');
      });
      await bus.subscribeTasks({
        groupId: 'outage-tasks',
        topics: ['outage-in'],
        onAssigned: async (tasks) => {
          events.push(`assigned ${tasks.map((t) => t.partition).join(',')}`);
          for (const task of tasks) contexts.set(task.partition, task);
        },
        onRevoked: (partitions) => events.push(`revoked ${partitions.join(',')}`),
        onMessage: (message, task) => {
          handled.push(message);
          void task
            .publish('outage-out', [{ key: message.key, value: `echo ${String(message.value)}`, partition: task.partition }])
            .catch(() => undefined);
        },
      });
      await bus.publish(
        'outage-in',
        [0, 1, 2, 3].map((p) => ({ key: null, value: `before-${p}`, partition: p })),
      );
      await eventually(() => expect(handled).toHaveLength(4));
      await eventually(async () => expect((await bus.taskStatus()).map((s) => s.lag)).toEqual([0, 0, 0, 0]));
      // Their transactions (echo and offset) committed: nothing of them is answered again after the outage.
      await eventually(async () => expect(await bus.readTopic('outage-out')).toHaveLength(4), 15_000);
      const before = contexts.get(0)!;

      process.kill(broker!.pid, 'SIGKILL');
      await eventually(() => expect(bus.health()).toMatchObject({ status: 'degraded' }), 15_000, 100);
      expect(events).toEqual(['assigned 0,1,2,3', 'revoked 0,1,2,3']);
      await expect(before.publish('outage-out', [{ key: null, value: 'refused', partition: 0 }])).rejects.toMatchObject({
        code: 'BROKER_UNAVAILABLE',
      });
      expect(await bus.taskStatus()).toEqual([]);

      broker = await startBroker({ logDir });
      relay.target = broker.bootstrap;
      const returnedAt = Date.now();
      await eventually(() => expect(bus.health()).toEqual({ status: 'ok' }), 60_000, 200);
      console.log(`task group recovered ${Date.now() - returnedAt} ms after the broker was back`);
      expect(events).toEqual(['assigned 0,1,2,3', 'revoked 0,1,2,3', 'recovery hook', 'assigned 0,1,2,3']);
      await expect(before.publish('outage-out', [{ key: null, value: 'old context', partition: 0 }])).rejects.toThrow();
      await contexts.get(0)!.publish('outage-out', [{ key: null, value: 'new context', partition: 0 }]);
      await bus.publish('outage-in', [{ key: null, value: 'after', partition: 2 }]);
      await eventually(
        () => expect(handled.map((m) => String(m.value)).sort()).toEqual(['before-0', 'before-1', 'before-2', 'before-3', 'after'].sort()),
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(handled.map((m) => String(m.value)).sort()).toEqual(['after', 'before-0', 'before-1', 'before-2', 'before-3']);
      await eventually(async () =>
        expect((await bus.readTopic('outage-out')).map((m) => String(m.value)).sort()).toEqual([
          'echo after',
          'echo before-0',
          'echo before-1',
          'echo before-2',
          'echo before-3',
          'new context',
        ]),
      );
    } finally {
      await bus.close();
    }
    expect(events.at(-1)).toBe('revoked 0,1,2,3');
  }, 240_000);
});
