/**
 * A trader's compact key, its bytes and home task are made once per trader: the same as encoding
 * them every time, for any trader, whichever came before (and once the cache has been emptied).
 */
import { describe, expect, it } from 'vitest';
import { ACTION_PARTITIONS, encode, TOPICS, type TraderKey } from '@banana-market/protocol';
import { partitionForKey } from '../src/bus/key-partitioner.js';
import { compactTraderKey } from '../src/game/compact-trader-key.js';

function expectEncoded(trader: TraderKey): void {
  const key = compactTraderKey(trader);
  const json = encode.traderKey(trader);
  expect(key.json).toBe(json);
  expect(key.bytes.equals(Buffer.from(json))).toBe(true);
  expect(key.home).toBe(partitionForKey(TOPICS.marketOrders.name, Buffer.from(json), ACTION_PARTITIONS));
}

describe('compactTraderKey', () => {
  it('is the encoded key, its bytes and their partition, asked once or again', () => {
    const traders: TraderKey[] = [
      { team: 'ALOUATE', name: 'legacy' },
      { team: 'ALOUATE', name: 'legacy2' },
      { team: 'ALOUATE2', name: 'legacy' },
      { team: 'a', name: 'b.c' },
    ];
    for (const trader of [...traders, ...traders]) expectEncoded(trader);
    expect(compactTraderKey({ team: 'ALOUATE', name: 'legacy' })).toBe(compactTraderKey({ name: 'legacy', team: 'ALOUATE' }));
  });

  it('stays right past its bound (a flood of made-up keys)', () => {
    for (let i = 0; i < 10_050; i += 1) compactTraderKey({ team: `flood${i % 7}`, name: `n${i}` });
    for (const trader of [
      { team: 'flood0', name: 'n0' },
      { team: 'flood3', name: 'n10045' },
      { team: 'ALOUATE', name: 'legacy' },
    ])
      expectEncoded(trader);
  });
});
