/**
 * Turns engine events into protocol messages on their topics. Publishing is
 * chained so that events reach the bus in the order the engine produced them,
 * even though the bus is asynchronous.
 *
 * A trader's answers (txn-results, txn-rejections, trader-states) go out
 * under the key bytes of that trader's latest order, not a re-encoding of the
 * parsed key: a 2018 client writes its key pretty-printed, and reads its
 * answers on the partition, and under the bytes, of its orders. The engine
 * knows traders by their parsed key only (a pretty and a compact key are one
 * trader); this class keeps, per trader, the bytes to answer under.
 */
import { Logger } from '@nestjs/common';
import {
  encode,
  encodeTxnRejection,
  SINGLE_STREAM_KEY,
  TOPICS,
  traderId,
  txnRejectionOf,
  type RejectionDetails,
  type TraderKey,
  type TxnRejection,
} from '@banana-market/protocol';
import type { EngineEvent } from '@banana-market/engine';
import type { OutgoingMessage } from '../bus/message-bus.js';
import { compactTraderKey } from './compact-trader-key.js';
import { resultValue, stateValue } from './published-answers.js';

/** Where the events go: a task's (or the market leader's) transaction. */
export type PublishTo = (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;

const singleStreamKey = encode.singleStreamKey(SINGLE_STREAM_KEY);

/** The key bytes a trader's answers go out under; without a remembered one, the compact key. */
export type TraderKeyBytes = (trader: TraderKey) => string | Uint8Array;

const compactKey: TraderKeyBytes = (trader) => compactTraderKey(trader).json;

/**
 * Which topic an event goes to: REJECTED results go to txn-rejections (with
 * the `rejection` details the server adds), every other result to txn-results.
 * `remember`: results and states go out with their values, which the read
 * models of this process take as they are (published-answers).
 */
export function toTopicMessage(
  event: EngineEvent,
  keyOf: TraderKeyBytes = compactKey,
  rejection?: RejectionDetails,
  remember = false,
): { topic: string; message: OutgoingMessage } {
  switch (event.kind) {
    case 'price':
      return { topic: TOPICS.sharePrice.name, message: { key: singleStreamKey, value: encode.sharePrice(event.price) } };
    case 'txn-result':
      if (event.result.status === 'REJECTED') {
        return {
          topic: TOPICS.txnRejections.name,
          message: { key: keyOf(event.trader), value: encodeTxnRejection(txnRejectionOf(event.result, rejection)) },
        };
      }
      return {
        topic: TOPICS.txnResults.name,
        message: remember
          ? { key: keyOf(event.trader), value: encode.txnResult(event.result), decoded: resultValue(event.result) }
          : { key: keyOf(event.trader), value: encode.txnResult(event.result) },
      };
    case 'trader-state':
      return {
        topic: TOPICS.traderStates.name,
        message: remember
          ? { key: keyOf(event.trader), value: encode.traderState(event.state), decoded: stateValue(event.state) }
          : { key: keyOf(event.trader), value: encode.traderState(event.state) },
      };
    case 'game-event':
      return { topic: TOPICS.gameEvents.name, message: { key: singleStreamKey, value: encode.gameEvent(event.event) } };
  }
}

export class EngineEventPublisher {
  private readonly logger = new Logger('EngineEventPublisher');
  private readonly outstanding = new Set<Promise<boolean>>();
  /** traderId → the key bytes of the trader's latest order (absent: the compact key). */
  private readonly keyBytes = new Map<string, Buffer>();
  /** What the REJECTED result(s) of the event batch being published now carry besides the reason (see rejecting()). */
  private rejection: RejectionDetails | undefined;

  /** The bytes each trader's answers go out under (made once: publish runs for every order). */
  private readonly keyOf: TraderKeyBytes = (trader) => this.keyFor(trader);

  /** `rememberValues`: see toTopicMessage (for a bus that hands the values to this process's readers). */
  constructor(
    private readonly publishTo: PublishTo,
    private readonly rememberValues = false,
  ) {}

  /**
   * The trader's answers go out under these bytes from now on (the key bytes
   * of its latest order). Null or undefined: no change.
   */
  rememberKey(trader: TraderKey, raw: Uint8Array | null | undefined): void {
    if (raw === null || raw === undefined) return;
    const id = traderId(trader);
    const known = this.keyBytes.get(id);
    if (known?.equals(raw)) return;
    if (compactTraderKey(trader).bytes.equals(raw)) this.keyBytes.delete(id);
    else this.keyBytes.set(id, Buffer.from(raw));
  }

  /** The bytes the trader's answers go out under. */
  keyFor(trader: TraderKey): string | Uint8Array {
    // Most games remember no other spelling: then there is no id to build and look up.
    const remembered = this.keyBytes.size === 0 ? undefined : this.keyBytes.get(traderId(trader));
    return remembered ?? compactTraderKey(trader).json;
  }

  /**
   * Runs `engineCall`, whose REJECTED result (published synchronously, as the
   * game loop emits) carries `details`: the field to blame, the time to wait.
   * The engine's results carry neither; the intake's decoder and the rate
   * limit know them.
   */
  rejecting<T>(details: RejectionDetails | undefined, engineCall: () => T): T {
    const previous = this.rejection;
    this.rejection = details;
    try {
      return engineCall();
    } finally {
      this.rejection = previous;
    }
  }

  /**
   * Hands the events to the bus right away, in the order the engine produced
   * them (the bus keeps the order of successive calls). Not waiting for
   * delivery here is what lets a consumed action and its results commit
   * together on Kafka. Resolves true once all of them are committed, false
   * if any could not be (logged).
   */
  publish(events: readonly EngineEvent[]): Promise<boolean> {
    // Topics in the order they first appear, each with its messages: two short arrays rather than a Map per call (an order's events go to two or three topics).
    const topics: string[] = [];
    const batches: OutgoingMessage[][] = [];
    for (const event of events) {
      const { topic, message } = toTopicMessage(event, this.keyOf, this.rejection, this.rememberValues);
      const i = topics.indexOf(topic);
      if (i === -1) {
        topics.push(topic);
        batches.push([message]);
      } else {
        batches[i].push(message);
      }
    }
    const deliveries = topics.map((topic, i) => this.track(topic, batches[i]));
    return Promise.all(deliveries).then(allTrue);
  }

  /** A rejection that no trader can be found for (an unreadable key): under the raw key bytes as they came. */
  publishRejection(rawKey: Uint8Array | null, rejection: TxnRejection): Promise<boolean> {
    return this.track(TOPICS.txnRejections.name, [{ key: rawKey, value: encodeTxnRejection(rejection) }]);
  }

  /** Resolves when everything handed over so far is on the bus. */
  async flushed(): Promise<void> {
    await Promise.all([...this.outstanding]);
  }

  private track(topic: string, messages: OutgoingMessage[]): Promise<boolean> {
    // The delivery leaves `outstanding` in its own handlers (not a finally() of its own: two more promises per publish).
    const delivery: Promise<boolean> = this.publishTo(topic, messages).then(
      () => {
        this.outstanding.delete(delivery);
        return true;
      },
      (err: unknown) => {
        this.outstanding.delete(delivery);
        this.logger.error(`could not publish ${messages.length} message(s) to ${topic}: ${String(err)}`);
        return false;
      },
    );
    this.outstanding.add(delivery);
    return delivery;
  }
}

const allTrue = (delivered: readonly boolean[]): boolean => delivered.every(Boolean);
