/**
 * A consumer is ready when it has joined its group: before that, what is
 * produced may land before the offsets a new group starts from, and be missed.
 */
import type { Consumer } from 'kafkajs';

export interface GroupJoinOptions {
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Stops waiting (the promise resolves), e.g. when the application closes meanwhile. */
  readonly signal?: AbortSignal;
}

/**
 * Resolves when `consumer` joins its group; rejects when it crashes in a way
 * kafkajs will not restart from, or after the timeout. Call it before run().
 * A consumer disconnected first (its run failed and its owner gave up on it)
 * ends the wait too (it resolves): its timer must neither keep the process
 * alive nor reject later with nobody listening.
 */
export function waitForGroupJoin(consumer: Consumer, groupId: string, options: GroupJoinOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      stopJoin();
      stopCrash();
      stopDisconnect();
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const stopJoin = consumer.on(consumer.events.GROUP_JOIN, () => settle(resolve));
    const stopCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) settle(() => reject(payload.error));
    });
    const stopDisconnect = consumer.on(consumer.events.DISCONNECT, () => settle(resolve));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`the consumer did not join the group ${groupId} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const onAbort = () => settle(resolve);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
