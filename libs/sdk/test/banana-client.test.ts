/**
 * BananaClient over a transport of the test's own (the client's contract
 * with its transports, BotTransport): an order still being sent when the
 * client closes is rejected for its caller, and for nobody else — the
 * process sees no unhandled rejection (a bot stopped mid-send must not
 * crash its process).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TraderAction } from '@banana-market/protocol';
import { BananaClient } from '../src/client/banana-client.js';
import type { BotTransport, TransportEvents } from '../src/client/transport.js';

/** A transport whose sends stay on their way until released. */
function slowTransport(): BotTransport & { sent: TraderAction[]; release(): void } {
  const waiting: Array<() => void> = [];
  const sent: TraderAction[] = [];
  return {
    trader: { team: 'SDK', name: 'closer' },
    sent,
    connect: async (_events: TransportEvents) => undefined,
    send: (action) => {
      sent.push(action);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    close: async () => undefined,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('BananaClient', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('rejects an order still being sent when it closes, and leaves no unhandled rejection behind', async () => {
    process.on('unhandledRejection', record);
    const transport = slowTransport();
    const client = await BananaClient.connect(transport, { resultTimeoutMs: 60_000 });
    const order = client.buy(1);
    const outcome = order.then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(transport.sent).toHaveLength(1);
    // Closed while the send is on its way: the answer is rejected before act() hands it to anyone. A
    // rejection still unhandled when the turn's microtasks are done is reported: the send ends a turn later.
    await client.close();
    await new Promise((resolve) => setImmediate(resolve));
    transport.release();
    expect(await outcome).toMatch(/^closed before the result of closer-.+ arrived$/);
    expect(unhandled).toEqual([]);
  });
});
