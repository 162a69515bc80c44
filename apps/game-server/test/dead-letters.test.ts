/**
 * Garbage on every action topic lands on the dead-letter topic with its raw
 * bytes and a reason; the sender hears REJECTED on txn-rejections (under the
 * raw key bytes when the key names nobody); nothing changes, nothing reaches
 * txn-results, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_TOPICS, decodeMessage, decodeTxnRejection, encode, PROTOCOL_LIMITS, TOPICS, type TraderKey } from '@banana-market/protocol';
import type { EmbeddedBus } from '../src/bus/embedded-bus.js';
import type { BusMessage } from '../src/bus/message-bus.js';
import { http, startTestServer, type TestServer } from './support/test-server.js';
import { garbageFor } from './support/garbage.js';

const trader: TraderKey = { team: 'ALOUATE', name: 'garbage' };
const traderKey = encode.traderKey(trader);
const GARBAGE = garbageFor(traderKey);

describe('dead letters', () => {
  let server: TestServer;
  let bus: EmbeddedBus;

  beforeAll(async () => {
    server = await startTestServer();
    bus = server.bus as EmbeddedBus;
  });
  afterAll(() => server.close());

  /** The txn-rejections of one key, in order (they share a partition). */
  async function resultsFor(key: string): Promise<BusMessage[]> {
    return (await bus.readTopic(TOPICS.txnRejections.name)).filter((m) => m.key?.toString() === key);
  }

  for (const topic of ACTION_TOPICS) {
    it(`routes garbage on ${topic.name} to ${TOPICS.deadLetters.name} with the raw bytes and a reason`, async () => {
      const before = (await bus.readTopic(TOPICS.deadLetters.name)).length;
      const resultsBefore = (await resultsFor(traderKey)).length;
      await bus.publish(
        topic.name,
        GARBAGE.map(([, key, value]) => ({ key, value })),
      );
      await bus.whenIdle();
      await server.game.flushed();
      await bus.whenIdle();

      const letters = (await bus.readTopic(TOPICS.deadLetters.name)).slice(before).map((m) => {
        const letter = decodeMessage.deadLetter(m.value);
        expect(letter.ok).toBe(true);
        return (letter as { ok: true; value: import('@banana-market/protocol').DeadLetter }).value;
      });
      expect(letters).toHaveLength(GARBAGE.length);
      // Keys spread the messages over partitions, so letters come in partition order, not sending order.
      const b64 = (raw: string | Uint8Array | null) =>
        raw === null ? null : Buffer.from(raw).subarray(0, PROTOCOL_LIMITS.maxDeadLetterRawBytes).toString('base64');
      for (const [label, key, value, reason] of GARBAGE) {
        const letter = letters.find((l) => l.key === b64(key) && l.value === b64(value));
        expect(letter, label).toBeDefined();
        if (letter === undefined) continue;
        expect(letter.topic, label).toBe(topic.name);
        expect(letter.reason, label).toMatch(reason);
        const raw = value === null ? null : Buffer.from(value);
        expect(letter.valueBytes, label).toBe(raw?.byteLength ?? 0);
        expect(letter.keyBytes, label).toBe(key === null ? 0 : Buffer.from(key).byteLength);
        expect(letter.truncated, label).toBe((raw?.byteLength ?? 0) > PROTOCOL_LIMITS.maxDeadLetterRawBytes);
        expect(Number(letter.offset), label).toBeGreaterThanOrEqual(0);
      }

      // Every message whose key parses gets a REJECTED answer on txn-rejections (moved from txn-results) with its state.
      const results = (await resultsFor(traderKey)).slice(resultsBefore).map((m: BusMessage) => decodeTxnRejection(m.value));
      expect(results).toHaveLength(GARBAGE.length - 2);
      for (const result of results) {
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.value.status).toBe('REJECTED');
          expect(result.value.reason).toMatch(/\S/);
          expect(result.value.field).toMatch(/\S/);
          expect(result.value.state).toMatchObject({ coins: 10, shares: 5, fedMonkeys: 0, bailouts: 0 });
        }
      }
      // The two unreadable keys are answered under their raw bytes, with the key shape expected.
      for (const [label, key] of GARBAGE.filter(([, k]) => k !== traderKey)) {
        const [answer] = (await resultsFor(key as string)).slice(-1);
        const rejection = decodeTxnRejection(answer?.value);
        expect(rejection.ok && rejection.value, label).toMatchObject({ status: 'REJECTED', field: expect.stringMatching(/^key/) });
        expect(rejection.ok && rejection.value.reason, label).toContain('{"team":"…","name":"…"}');
        expect(rejection.ok && rejection.value.state, label).toBeUndefined();
      }
      // txn-results carries only the 2018 statuses.
      const statuses = (await bus.readTopic(TOPICS.txnResults.name)).map((m) => JSON.parse(m.value!.toString()).status);
      expect(statuses.every((st) => ['ACCEPTED', 'INSUFFICIENT_COINS', 'INSUFFICIENT_SHARES'].includes(st))).toBe(true);
      expect(server.game.traderState(trader)).toBeUndefined();
      const health = await http(server, 'GET', '/api/health');
      expect(health.status).toBe(200);
    });
  }

  it('answers a garbage message with the txnId it could read', async () => {
    const resultsBefore = (await resultsFor(traderKey)).length;
    await bus.publish(TOPICS.feedMonkeys.name, [{ key: traderKey, value: '{"txnId":"salvaged","monkeys":0}' }]);
    await bus.whenIdle();
    await server.game.flushed();
    const [message] = (await resultsFor(traderKey)).slice(resultsBefore);
    const result = decodeTxnRejection(message.value);
    expect(result.ok && result.value).toMatchObject({ txnId: 'salvaged', type: 'FEED', status: 'REJECTED', field: 'monkeys' });
    expect(result.ok && result.value.reason).toMatch(/^monkeys: /);
  });

  it('rejects garbage gibbs into the dead-letter topic too', async () => {
    const before = (await bus.readTopic(TOPICS.deadLetters.name)).length;
    await bus.publish(TOPICS.gibberGibbs.name, [{ key: '"GNOU"', value: '{"id":1,"text":"banana"}' }]);
    await bus.whenIdle();
    const letters = (await bus.readTopic(TOPICS.deadLetters.name)).slice(before);
    expect(letters).toHaveLength(1);
    expect(decodeMessage.deadLetter(letters[0].value)).toMatchObject({ ok: true, value: { topic: TOPICS.gibberGibbs.name } });
  });
});
