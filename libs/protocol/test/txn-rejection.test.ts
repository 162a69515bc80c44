/**
 * txn-rejections: the answer to an order the server did not take, apart from
 * txn-results (whose status a 2018 client reads as a closed enum).
 */
import { describe, expect, it } from 'vitest';
import { decodeTxnRejection, encodeTxnRejection, rejectionAsTxnResult, TOPICS, TXN_STATUSES, txnRejectionOf } from '../src/index.js';

const state = { time: '2026-11-22T10:00:00.000Z', coins: 10, shares: 5, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };

describe('txn-rejections', () => {
  it('is a topic of 8 partitions beside the 2018 ones', () => {
    expect(TOPICS.txnRejections).toMatchObject({ name: 'txn-rejections', partitions: 8 });
    // txn-results' own schema is unchanged; the REJECTED status is the rejection topic's.
    expect(TXN_STATUSES).toContain('REJECTED');
  });

  it('encodes txnId, type, status, reason, field, state in that order and leaves out what is absent', () => {
    const full = encodeTxnRejection({
      txnId: 't1',
      type: 'FEED',
      status: 'REJECTED',
      reason: 'monkeys: expected at least 1 monkey',
      field: 'monkeys',
      state,
    });
    expect(Object.keys(JSON.parse(full))).toEqual(['txnId', 'type', 'status', 'reason', 'field', 'state']);
    expect(Object.keys(JSON.parse(full).state)).toEqual(['time', 'coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments']);
    const bare = encodeTxnRejection({ txnId: '', type: 'MARKET', status: 'REJECTED', reason: 'key: valid JSON' });
    expect(bare).toBe('{"txnId":"","type":"MARKET","status":"REJECTED","reason":"key: valid JSON"}');
    expect(decodeTxnRejection(full)).toEqual({ ok: true, value: JSON.parse(full) });
    expect(decodeTxnRejection('{"txnId":"x","type":"FEED","status":"ACCEPTED","reason":"r"}').ok).toBe(false);
  });

  it('turns a REJECTED result into a rejection and back', () => {
    const result = { txnId: 't2', type: 'INVEST' as const, state, status: 'REJECTED' as const, reason: 'the game is paused' };
    const rejection = txnRejectionOf(result);
    expect(rejection).toEqual({ txnId: 't2', type: 'INVEST', status: 'REJECTED', reason: 'the game is paused', state });
    expect(rejectionAsTxnResult(rejection)).toEqual(result);
    expect(rejectionAsTxnResult({ ...rejection, state: undefined })).toBeUndefined();
    expect(txnRejectionOf(result, { field: 'key.team' }).field).toBe('key.team');
  });
});
