/**
 * The bot runner's own lines, on a client that is only the runner's view of
 * one (prices in, actions out), in game time: an idle bot says every 30 s
 * why it waits; a decide() that keeps throwing is one line, then counted in
 * the heartbeat; a bad decision is one line and the next decision still goes.
 */
import { describe, expect, it } from 'vitest';
import type { BotDecision, Strategy } from '@banana-market/engine';
import type { SharePrice, TraderAction, TraderState, TxnResult } from '@banana-market/protocol';
import type { BananaClient } from '../src/client/banana-client.js';
import { BotRunner, HEARTBEAT_MS } from '../src/runner/bot-runner.js';

const T0 = Date.UTC(2026, 11, 4, 20, 0, 0);
const STATE: TraderState = { time: new Date(T0).toISOString(), coins: 4.1, shares: 0, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };

/** What the runner uses of a BananaClient: it takes prices, answers actions at once with ACCEPTED. */
function fakeClient() {
  let onPrice: (price: SharePrice) => void = () => undefined;
  const sent: TraderAction[] = [];
  const client = {
    trader: { team: 'T', name: 'bot' },
    state: STATE,
    nextTxnId: () => `t-${sent.length}`,
    onPrice: (listener: (price: SharePrice) => void) => {
      onPrice = listener;
      return () => undefined;
    },
    onGibb: () => () => undefined,
    onGameEvent: () => () => undefined,
    onStatus: () => () => undefined,
    onFatal: () => () => undefined,
    execute: (action: TraderAction): Promise<TxnResult> => {
      sent.push(action);
      return Promise.resolve({ txnId: action.order.txnId, type: 'FEED', state: STATE, status: 'ACCEPTED' });
    },
  };
  const tick = (second: number) => onPrice({ time: new Date(T0 + second * 1000).toISOString(), coins: 1.02, forecast: 0.98 });
  return { client: client as unknown as BananaClient, tick, sent };
}

function play(decide: Strategy['decide'], seconds: number) {
  const { client, tick, sent } = fakeClient();
  const lines: string[] = [];
  const runner = new BotRunner({
    client,
    strategy: { name: 'test', description: 'test', decide },
    seed: 's',
    log: (l) => lines.push(l),
    botFile: '/nowhere/bot.ts',
  });
  void runner.run();
  for (let s = 0; s <= seconds; s++) tick(s);
  runner.stop();
  return { lines, sent };
}

describe('the bot runner', () => {
  it('says every 30 s of game time why an idle bot waits, with the price and its state', () => {
    const { lines } = play(() => [], 70);
    expect(HEARTBEAT_MS).toBe(30_000);
    // Ticks at 0…30 s, then 31…60 s.
    expect(lines).toEqual([
      '· waiting: price 1.020 forecast 0.980 · coins 4.10 shares 0 fed 0 bailouts 0 · decide() returned no decision on the last 31 ticks',
      '· waiting: price 1.020 forecast 0.980 · coins 4.10 shares 0 fed 0 bailouts 0 · decide() returned no decision on the last 30 ticks',
    ]);
  });

  it('prints a throwing decide() once, counts it in the heartbeat, and reminds once after it', () => {
    const { lines } = play(() => {
      throw new TypeError('boom');
    }, 59);
    expect(lines).toEqual([
      '✗ decide() threw: TypeError: boom — this tick is skipped, the bot plays on (--verbose for the stack)',
      '· waiting: price 1.020 forecast 0.980 · coins 4.10 shares 0 fed 0 bailouts 0 · decide() threw 31 times: TypeError: boom',
      '✗ decide() threw: TypeError: boom — this tick is skipped, the bot plays on (--verbose for the stack)',
    ]);
  });

  it('skips a bad decision in one line and sends the good one after it', async () => {
    const { lines, sent } = play(() => [{ kind: 'feed', monkeys: -1 } as BotDecision, { kind: 'feed', monkeys: 1 }], 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatch(
      /^price 1\.020 → ✗ bad decision, skipped: feed: expected \{kind: "feed", monkeys: …\}, got \{"kind":"feed","monkeys":-1\} \(monkeys: /,
    );
    expect(sent).toEqual([{ kind: 'feed', order: { txnId: 't-0', monkeys: 1 } }]);
  });
});
