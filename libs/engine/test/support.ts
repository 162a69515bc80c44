import type { TraderKey } from '@banana-market/protocol';
import { MarketEngine, makeRules, type EngineEvent, type GameRulesInput, type TxnResultEvent } from '../src/index.js';

export const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
export const alice: TraderKey = { team: 'BONOBO', name: 'alice' };
export const bob: TraderKey = { team: 'BONOBO', name: 'bob' };
export const carol: TraderKey = { team: 'GIBBON', name: 'carol' };

export function engineWith(rules: Partial<GameRulesInput> = {}, seed = 'test-seed'): MarketEngine {
  // These tests state the 2018 rules (the mktd2018 preset); the balanced defaults have their own tests.
  return new MarketEngine({ seed, startTime: T0, rules: makeRules(rules, 'mktd2018') });
}

export function results(events: readonly EngineEvent[]): TxnResultEvent['result'][] {
  return events.filter((e): e is TxnResultEvent => e.kind === 'txn-result').map((e) => e.result);
}

export function ofKind<K extends EngineEvent['kind']>(events: readonly EngineEvent[], kind: K): Extract<EngineEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind);
}
