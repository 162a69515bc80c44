/**
 * Who may act for which trader. Registering hands out a secret token; HTTP
 * and WebSocket actions must carry it, so nobody trades for another team.
 * Registrations are kept on the compacted trader-registrations topic (the
 * token's SHA-256 only), so a restarted server still knows its players, and
 * every server follows that topic, so a trader registered on one server is
 * known, and its token valid, on all of them within a moment (issue #16).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, decodeMessage, encode, TOPICS, traderId, type TraderKey } from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import { type BusMessage, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { TopicFollower } from '../read-models/topic-follower.js';
import { GAME_CLOCK } from './tokens.js';
import { decodeTraderKey } from './trader-key-decoder.js';

export class TraderAlreadyRegisteredError extends Error {
  constructor(readonly trader: TraderKey) {
    super(`trader ${traderId(trader)} is already registered`);
  }
}

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

@Injectable()
export class TraderRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TraderRegistry');
  /** SHA-256 of the token → trader: the tokens themselves are never stored. */
  private readonly byTokenHash = new Map<string, TraderKey>();
  private readonly registered = new Set<string>();
  /** Registrations being written: taken (a second one is refused) but not known until durable. */
  private readonly pending = new Set<string>();
  private stopReloading?: () => void;
  /** Reads the registrations at start (and after a broker outage), then follows those any server writes. */
  private readonly follower: TopicFollower;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {
    this.follower = new TopicFollower(bus, TOPICS.traderRegistrations.name, 'banana-market-registrations-watch', (m) => this.apply(m));
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ensureTopics(ALL_TOPICS); // all of them, checked as one: a wrong partition count anywhere creates nothing
    await this.load();
    if (this.registered.size > 0) this.logger.log(`${this.registered.size} registered trader(s) restored`);
    await this.follower.follow();
    // After the broker came back: only what Kafka committed is registered (the follower then resumes after what was read).
    this.stopReloading = this.bus.onRecovery?.(() => this.load());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopReloading?.();
    await this.follower.close();
  }

  /** A new token for the trader, once it is durably recorded (a token whose record failed is never valid). */
  async register(trader: TraderKey): Promise<string> {
    const id = traderId(trader);
    if (this.isRegistered(trader) || this.pending.has(id)) throw new TraderAlreadyRegisteredError(trader);
    const token = randomBytes(24).toString('base64url');
    const tokenSha256 = sha256(token);
    const time = new Date(this.clock.now()).toISOString();
    this.pending.add(id);
    try {
      await this.bus.publish(TOPICS.traderRegistrations.name, [
        { key: encode.traderKey(trader), value: encode.traderRegistration({ time, tokenSha256 }) },
      ]);
    } finally {
      this.pending.delete(id);
    }
    this.remember(trader, tokenSha256);
    return token;
  }

  private load(): Promise<void> {
    return this.follower.load(() => {
      this.byTokenHash.clear();
      this.registered.clear();
    });
  }

  /** A registration read from the topic, this server's own included (remembering is idempotent). */
  private apply(message: BusMessage): void {
    const trader = decodeTraderKey(message.key);
    const registration = decodeMessage.traderRegistration(message.value);
    if (trader.ok && registration.ok) this.remember(trader.value, registration.value.tokenSha256);
  }

  /** The trader a token belongs to, or undefined. */
  traderForToken(token: string): TraderKey | undefined {
    return this.byTokenHash.get(sha256(token));
  }

  isRegistered(trader: TraderKey): boolean {
    return this.registered.has(traderId(trader));
  }

  get size(): number {
    return this.registered.size;
  }

  private remember(trader: TraderKey, tokenSha256: string): void {
    this.byTokenHash.set(tokenSha256, { team: trader.team, name: trader.name });
    this.registered.add(traderId(trader));
  }
}
