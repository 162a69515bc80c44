/**
 * The record cache in front of a task's changelog, on its own: one deferred
 * publication per transaction, the latest value of each key when it is
 * taken, and nothing left behind by a publication refused before it was taken
 * (the task was lost, the bus stopped).
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../src/bus/message-bus.js';
import { RecordCache } from '../src/state/record-cache.js';

/** A publishAtCommit whose transactions the test takes, commits or refuses. */
function transactions() {
  const registered: { take: () => readonly OutgoingMessage[]; settle: (error?: Error) => void }[] = [];
  const publishAtCommit = (_topic: string, take: () => readonly OutgoingMessage[]) =>
    new Promise<void>((resolve, reject) => registered.push({ take, settle: (error) => (error === undefined ? resolve() : reject(error)) }));
  return { registered, publishAtCommit };
}

const asText = (messages: readonly OutgoingMessage[]) => messages.map((m) => `${m.key}=${m.value}`);

describe('RecordCache', () => {
  it('registers one publication per transaction; its take has the latest value of each key, in the order keys were first set', async () => {
    const { registered, publishAtCommit } = transactions();
    const cache = new RecordCache<string, string>(publishAtCommit, 'changelog', (entries) => entries.map(({ key, value }) => ({ key, value })));
    const first = cache.set('a', 'a', '1');
    expect(cache.set('b', 'b', '1')).toBe(first);
    expect(cache.set('a', 'a', '2')).toBe(first);
    expect(registered).toHaveLength(1);
    expect(asText(registered[0].take())).toEqual(['a=2', 'b=1']);
    // Taken: the next set belongs to the next transaction.
    const second = cache.set('a', 'a', '3');
    expect(second).not.toBe(first);
    expect(registered).toHaveLength(2);
    registered[0].settle();
    await first;
    expect(asText(registered[1].take())).toEqual(['a=3']);
  });

  it('forgets what was set for a publication refused before it was taken, and registers again on the next set', async () => {
    const { registered, publishAtCommit } = transactions();
    const cache = new RecordCache<string, string>(publishAtCommit, 'changelog', (entries) => entries.map(({ key, value }) => ({ key, value })));
    const refused = cache.set('a', 'a', '1');
    registered[0].settle(new Error('task 0 was lost'));
    await expect(refused).rejects.toThrow('task 0 was lost');
    cache.set('b', 'b', '1').catch(() => undefined);
    expect(registered).toHaveLength(2);
    expect(asText(registered[1].take())).toEqual(['b=1']);
  });

  it('leaves the next transaction alone when a taken one fails', async () => {
    const { registered, publishAtCommit } = transactions();
    const cache = new RecordCache<string, string>(publishAtCommit, 'changelog', (entries) => entries.map(({ key, value }) => ({ key, value })));
    const failed = cache.set('a', 'a', '1');
    registered[0].take();
    const next = cache.set('b', 'b', '1');
    registered[0].settle(new Error('the transaction failed'));
    await expect(failed).rejects.toThrow('the transaction failed');
    expect(cache.set('c', 'c', '1')).toBe(next);
    expect(asText(registered[1].take())).toEqual(['b=1', 'c=1']);
  });
});
