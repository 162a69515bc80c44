import { describe, expect, it } from 'vitest';
import { isRetriable, retryRetriable, withRetry } from '../src/index.js';

/** A few milliseconds between attempts: the tests check the policy, not the waiting. */
const FAST = { minTimeout: 1, maxTimeout: 5 };

describe('withRetry', () => {
  it('retries a failing operation until it succeeds', async () => {
    const attempts: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return 'done';
      },
      { ...FAST, retries: 5 },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after its attempts with the last error', async () => {
    let calls = 0;
    const failing = withRetry(
      async (attempt) => {
        calls += 1;
        throw new Error(`failure ${attempt}`);
      },
      { ...FAST, retries: 2 },
    );
    await expect(failing).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
  });

  it('stops at once on an error shouldRetry refuses, and reports each failed attempt', async () => {
    const seen: string[] = [];
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls += 1;
        throw Object.assign(new Error(calls === 1 ? 'busy' : 'broken'), { type: calls === 1 ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE' });
      },
      {
        ...FAST,
        retries: 10,
        shouldRetry: ({ error }) => (error as { type?: string }).type === 'CONCURRENT_TRANSACTIONS',
        onFailedAttempt: ({ error, attemptNumber }) => void seen.push(`${attemptNumber}: ${error.message}`),
      },
    );
    await expect(failing).rejects.toThrow('broken');
    expect(calls).toBe(2);
    expect(seen).toEqual(['1: busy', '2: broken']);
  });
});

describe('isRetriable', () => {
  it('follows kafkajs: its retriable flag, and a request kafkajs itself stopped retrying', () => {
    expect(isRetriable(Object.assign(new Error('This server does not host this topic-partition'), { retriable: true }))).toBe(true);
    expect(isRetriable(Object.assign(new Error('gave up'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false }))).toBe(true);
    expect(isRetriable(Object.assign(new Error('Topic with this name already exists'), { retriable: false }))).toBe(false);
    expect(isRetriable(new Error('plain'))).toBe(false);
  });

  it('drives withRetry: a retriable error is retried, another one is not', async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('no leader yet'), { retriable: true });
        return calls;
      },
      { ...FAST, shouldRetry: ({ error }) => isRetriable(error) },
    );
    expect(value).toBe(2);

    let permanentCalls = 0;
    const permanent = withRetry(
      async () => {
        permanentCalls += 1;
        throw new Error('invalid topic');
      },
      { ...FAST, shouldRetry: ({ error }) => isRetriable(error) },
    );
    await expect(permanent).rejects.toThrow('invalid topic');
    expect(permanentCalls).toBe(1);
  });
});

describe('retryRetriable', () => {
  /** A TypeError as kafkajs' fetchTopicOffsets throws it now and then. */
  const kafkajsTypeError = () => {
    const error = new TypeError("Cannot destructure property 'partitions' of 'low.pop(...)' as it is undefined.");
    error.stack = `TypeError: ${error.message}\n    at /work/main/node_modules/kafkajs/src/admin/index.js:328:29\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
    return error;
  };

  it('retries a TypeError thrown inside kafkajs, which p-retry alone would not', async () => {
    let calls = 0;
    const offsets = await retryRetriable(
      async () => {
        calls += 1;
        if (calls < 3) throw kafkajsTypeError();
        return ['offsets'];
      },
      5_000,
      FAST,
    );
    expect(offsets).toEqual(['offsets']);
    expect(calls).toBe(3);
  });

  it('throws at once a TypeError of the caller, and a non-retriable error', async () => {
    for (const error of [new TypeError('undefined is not a function'), Object.assign(new Error('Topic already exists'), { retriable: false })]) {
      let calls = 0;
      const failing = () => {
        calls += 1;
        return Promise.reject(error);
      };
      await expect(retryRetriable(failing, 5_000, FAST)).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('gives up after its time with the last error', async () => {
    let calls = 0;
    const slow = retryRetriable(
      async () => {
        calls += 1;
        throw Object.assign(new Error(`no leader yet (${calls})`), { retriable: true });
      },
      30,
      FAST,
    );
    const error = (await slow.catch((e: unknown) => e)) as Error;
    expect(calls).toBeGreaterThan(1);
    expect(error.message).toBe(`no leader yet (${calls})`);
  });
});
