/**
 * Who may act for which trader. Registering hands out a secret token; HTTP
 * and WebSocket actions must carry it, so nobody trades for another team.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { traderId, type TraderKey } from '@banana-market/sdk';

export class TraderAlreadyRegisteredError extends Error {
  constructor(readonly trader: TraderKey) {
    super(`trader ${traderId(trader)} is already registered`);
  }
}

@Injectable()
export class TraderRegistry {
  private readonly byToken = new Map<string, TraderKey>();
  private readonly byTrader = new Map<string, string>();

  register(trader: TraderKey): string {
    const id = traderId(trader);
    if (this.byTrader.has(id)) throw new TraderAlreadyRegisteredError(trader);
    const token = randomBytes(24).toString('base64url');
    this.byToken.set(token, { team: trader.team, name: trader.name });
    this.byTrader.set(id, token);
    return token;
  }

  /** The trader a token belongs to, or undefined (compared in constant time per candidate). */
  traderForToken(token: string): TraderKey | undefined {
    const trader = this.byToken.get(token);
    if (trader === undefined) return undefined;
    const expected = Buffer.from(this.byTrader.get(traderId(trader)) ?? '');
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given) ? trader : undefined;
  }

  isRegistered(trader: TraderKey): boolean {
    return this.byTrader.has(traderId(trader));
  }

  get size(): number {
    return this.byTrader.size;
  }
}
