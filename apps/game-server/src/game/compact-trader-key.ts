/**
 * A trader's compact key — encode.traderKey, the JSON its answers go out
 * under unless its orders spell the key otherwise — with its bytes and its
 * home task (the partition those bytes land on). Every order needs them, and
 * encoding them again per order showed in the profile: they are made once
 * per trader.
 */
import { ACTION_PARTITIONS, encode, TOPICS, type TraderKey } from '@banana-market/protocol';
import { partitionForKey } from '../bus/key-partitioner.js';

export interface CompactTraderKey {
  readonly json: string;
  /** The JSON's UTF-8 bytes: compared with, and partitioned by; never handed out (a shared buffer). */
  readonly bytes: Buffer;
  /** The task whose partition the compact key lands on: where the trader's state lives. */
  readonly home: number;
}

/** Far more traders than a game has: a flood of made-up keys empties the cache rather than growing it. */
const MAX_TRADERS = 10_000;

/** team → name → key: no string is built to look one up. */
const cache = new Map<string, Map<string, CompactTraderKey>>();
let cached = 0;

export function compactTraderKey(trader: TraderKey): CompactTraderKey {
  let byName = cache.get(trader.team);
  const known = byName?.get(trader.name);
  if (known !== undefined) return known;
  const json = encode.traderKey(trader);
  const bytes = Buffer.from(json);
  const key: CompactTraderKey = { json, bytes, home: partitionForKey(TOPICS.marketOrders.name, bytes, ACTION_PARTITIONS) };
  if (cached >= MAX_TRADERS) {
    cache.clear();
    cached = 0;
    byName = undefined;
  }
  if (byName === undefined) {
    byName = new Map();
    cache.set(trader.team, byName);
  }
  byName.set(trader.name, key);
  cached += 1;
  return key;
}
