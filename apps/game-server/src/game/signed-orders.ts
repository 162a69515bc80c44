/**
 * KAFKA_ORDERS=signed: an order a player wrote to an action topic counts only
 * if it carries `banana-signature` — HMAC-SHA256 of its value bytes keyed by
 * its trader's token — and its `time` is within a minute of the server's
 * clock (a signed order copied later cannot be replayed once its txnId is
 * forgotten). The server's own orders (its gateways', its house bots') carry
 * the server's signature instead (RecordAuthentication) and keep to the same
 * clock. The token is never on the wire: every server derives it from the
 * trader's registration and the game's secret (TraderRegistry.tokenOf).
 */
import { isOrderSignature } from '@banana-market/kafka';
import { ORDER_SIGNATURE_HEADER, SIGNED_ORDER_MAX_SKEW_MS, traderId, type TraderKey } from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import type { BusMessage } from '../bus/message-bus.js';
import { TraderRemovedError, type TraderRegistry } from './trader-registry.service.js';

export interface OrderRefusal {
  /** What to blame: the header, or the order's `time`. */
  readonly field: string;
  readonly reason: string;
}

const HOW_TO_SIGN = `the lowercase hex HMAC-SHA256 of the record's value bytes, keyed by the trader's token`;

export class SignedOrders {
  constructor(
    private readonly registry: TraderRegistry,
    private readonly clock: Clock,
  ) {}

  /** Why this order of `trader` does not count, or undefined when it does. `time`: the order's (normalised) time. */
  refusal(message: BusMessage, trader: TraderKey, time: string | undefined): OrderRefusal | undefined {
    const signed = message.serverSigned === true ? undefined : this.signatureRefusal(message, trader);
    return signed ?? this.timeRefusal(time);
  }

  private signatureRefusal(message: BusMessage, trader: TraderKey): OrderRefusal | undefined {
    const field = ORDER_SIGNATURE_HEADER;
    const signature = message.headers?.get(ORDER_SIGNATURE_HEADER);
    if (signature === undefined) {
      return { field, reason: `unsigned order: with KAFKA_ORDERS=signed an order carries the header ${field}, ${HOW_TO_SIGN}` };
    }
    const token = this.registry.tokenOf(trader);
    if (token === undefined) return { field, reason: `${this.unsignable(trader)}, so no signature of it is valid` };
    if (!isOrderSignature(token, message.value ?? Buffer.alloc(0), signature)) {
      return { field, reason: `wrong signature: ${field} must be ${HOW_TO_SIGN} (${traderId(trader)}'s)` };
    }
    return undefined;
  }

  private unsignable(trader: TraderKey): string {
    if (this.registry.isRemoved(trader)) return new TraderRemovedError(trader).message;
    if (this.registry.isRegistered(trader)) return `trader ${traderId(trader)} was registered before signed orders; register another name`;
    return `no trader ${traderId(trader)} is registered`;
  }

  private timeRefusal(time: string | undefined): OrderRefusal | undefined {
    const limit = `within ${SIGNED_ORDER_MAX_SKEW_MS / 1000} s of the server's clock`;
    if (time === undefined) return { field: 'time', reason: `a signed order carries its time (ISO-8601), ${limit}` };
    const now = this.clock.now();
    const skewMs = Date.parse(time) - now;
    if (Math.abs(skewMs) <= SIGNED_ORDER_MAX_SKEW_MS) return undefined;
    const how = skewMs < 0 ? `${Math.round(-skewMs / 1000)} s old` : `${Math.round(skewMs / 1000)} s ahead`;
    return {
      field: 'time',
      reason: `stale order: its time ${time} is ${how} (server time ${new Date(now).toISOString()}); a signed order's time must be ${limit}`,
    };
  }
}
