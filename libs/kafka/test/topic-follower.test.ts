/** TopicFollower on a real broker: the topics that match, those created after it started included; the others never. */
import { describe, expect, it, vi } from 'vitest';
import { createProducer, ensureTopics, TopicFollower, type FollowedMessage } from '../src/index.js';
import { noBroker, uniqueName, useKafka } from './support/kafka.js';

describe.skipIf(noBroker)('TopicFollower on a real broker', () => {
  const { kafka, admin } = useKafka();

  it('follows the matching topics from their beginning, a topic created later too, and skips a record its handler throws on', async () => {
    const prefix = `${uniqueName('follow')}-`;
    const [early, late, other] = [`${prefix}early`, `${prefix}late`, `${uniqueName('other')}`];
    await ensureTopics(admin, [
      { name: early, partitions: 1 },
      { name: other, partitions: 1 },
    ]);
    const producer = createProducer(kafka);
    await producer.connect();
    const received: FollowedMessage[] = [];
    const errors: unknown[] = [];
    const follower = await TopicFollower.start({
      kafka,
      groupId: uniqueName('follower'),
      matches: (topic) => topic.startsWith(prefix),
      refreshMs: 100,
      onMessage: (message) => {
        if (message.value?.toString() === 'throw') throw new Error('a bad record');
        received.push(message);
      },
      onError: (error) => errors.push(error),
    });
    try {
      expect(follower.followed).toEqual([early]);
      await producer.send({ topic: early, messages: [{ value: 'throw' }, { value: 'one' }] });
      await producer.send({ topic: other, messages: [{ value: 'not followed' }] });
      await ensureTopics(admin, [{ name: late, partitions: 1 }]);
      // Written before the follower notices the topic: read all the same, from the topic's beginning.
      await producer.send({ topic: late, messages: [{ value: 'two' }] });
      await vi.waitFor(() => expect(received.map((m) => `${m.topic}:${m.value?.toString()}`).sort()).toEqual([`${early}:one`, `${late}:two`]), {
        timeout: 30_000,
        interval: 50,
      });
      expect(follower.followed.sort()).toEqual([early, late]);
      expect(errors).toEqual([new Error('a bad record')]);
    } finally {
      await follower.close();
      await producer.disconnect();
    }
  }, 60_000);
});
