/**
 * The AsyncAPI 3 document of the Kafka topics validates with the AsyncAPI
 * parser, and lists every topic of the topic table with its partitions and
 * the JSON Schema of its key and value, taken from the schemas the server parses.
 */
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTIONS, ALL_TOPICS, asyncApiDocument, traderKeySchema, txnResultSchema } from '../src/index.js';

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument({ kafka: 'room-laptop:9092' });

  it('validates with the AsyncAPI parser, without errors', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    expect(
      parsed
        ?.channels()
        .all()
        .map((c) => c.address())
        .sort(),
    ).toEqual(ALL_TOPICS.map((t) => t.name).sort());
    expect(parsed?.servers().get('room')?.host()).toBe('room-laptop:9092');
  });

  it('gives every topic its partitions, key and value schemas; players may send only to the topics they write', () => {
    const channels = document.channels as Record<string, { address: string; bindings: { kafka: { partitions: number } } }>;
    const messages = (document.components as { messages: Record<string, { name: string; payload: unknown; bindings: { kafka: { key: unknown } } }> })
      .messages;
    for (const topic of ALL_TOPICS) {
      const channel = Object.values(channels).find((c) => c.address === topic.name);
      expect(channel?.bindings.kafka.partitions, topic.name).toBe(topic.partitions);
      const message = Object.values(messages).find((m) => m.name === topic.name);
      const payload = (message?.payload ?? {}) as Record<string, unknown>;
      expect(
        ['type', 'oneOf', 'anyOf'].some((k) => k in payload),
        topic.name,
      ).toBe(true);
      expect(message?.bindings.kafka.key, topic.name).toBeDefined();
    }
    const byName = (name: string) => Object.values(messages).find((m) => m.name === name);
    const { $schema: _, ...txnResult } = z.toJSONSchema(txnResultSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(byName('txn-results')?.payload).toEqual(txnResult);
    expect(byName('market-orders')?.bindings.kafka.key).toMatchObject({ properties: { team: expect.any(Object), name: expect.any(Object) } });
    expect(byName('market-orders')?.payload).toMatchObject({ properties: { type: { enum: ['BUY', 'SELL'] } } });
    expect(Object.keys(z.toJSONSchema(traderKeySchema).properties as object)).toEqual(['team', 'name']);
    const sends = Object.values(document.operations as Record<string, { action: string; channel: { $ref: string } }>)
      .filter((o) => o.action === 'send')
      .map((o) => channels[o.channel.$ref.split('/').at(-1) as string].address)
      .sort();
    expect(sends).toEqual([...Object.values(ACTIONS).map((a) => a.topic.name), 'gibber-gibbs'].sort());
  });
});
