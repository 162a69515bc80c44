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
import { STATE_CIPHER, type StateCipher } from '../state/state-cipher.js';
import { GAME_CLOCK } from './tokens.js';
import { decodeTraderKey } from './trader-key-decoder.js';

export class TraderAlreadyRegisteredError extends Error {
  constructor(readonly trader: TraderKey) {
    super(`trader ${traderId(trader)} is already registered`);
  }
}

/** A trader the coach removed: its name stays taken, by nobody. */
export class TraderRemovedError extends Error {
  constructor(readonly trader: TraderKey) {
    super(`trader ${traderId(trader)} was removed from the game by the coach`);
  }
}

export class UnknownTraderError extends Error {
  constructor(readonly trader: TraderKey) {
    super(`no trader ${traderId(trader)} is registered`);
  }
}

interface Registered {
  readonly trader: TraderKey;
  readonly tokenSha256: string;
  readonly tokenNonce?: string;
  readonly time: string;
  readonly removedAt?: string;
}

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

@Injectable()
export class TraderRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('TraderRegistry');
  /** SHA-256 of the token → its registration (removed ones too, to say so): the tokens themselves are never stored. */
  private readonly byTokenHash = new Map<string, Registered>();
  /** traderId → its registration, removed or not. */
  private readonly registered = new Map<string, Registered>();
  private readonly removalListeners = new Set<(trader: TraderKey) => void>();
  /** The teams the coach created for registration with join codes, in the order they were. */
  private readonly createdTeams = new Set<string>();
  /** Registrations being written: taken (a second one is refused) but not known until durable. */
  private readonly pending = new Set<string>();
  private stopReloading?: () => void;
  /** Reads the registrations at start (and after a broker outage), then follows those any server writes. */
  private readonly follower: TopicFollower;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(STATE_CIPHER) private readonly key: StateCipher,
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
    if (this.isRemoved(trader)) throw new TraderRemovedError(trader);
    if (this.isRegistered(trader) || this.pending.has(id)) throw new TraderAlreadyRegisteredError(trader);
    const tokenNonce = randomBytes(18).toString('base64url');
    const token = this.tokenFrom(tokenNonce);
    const tokenSha256 = sha256(token);
    const time = new Date(this.clock.now()).toISOString();
    this.pending.add(id);
    try {
      await this.bus.publish(TOPICS.traderRegistrations.name, [
        { key: encode.traderKey(trader), value: encode.traderRegistration({ time, tokenSha256, tokenNonce }) },
      ]);
    } finally {
      this.pending.delete(id);
    }
    this.remember(trader, { trader, tokenSha256, tokenNonce, time });
    return token;
  }

  /**
   * The coach removes a trader, on every server once the record is read: its
   * token stops working, its orders are refused, its sockets are closed, and
   * nobody may register its name again.
   */
  async remove(trader: TraderKey): Promise<void> {
    const known = this.registered.get(traderId(trader));
    if (known === undefined) throw new UnknownTraderError(trader);
    if (known.removedAt !== undefined) return;
    const removedAt = new Date(this.clock.now()).toISOString();
    await this.bus.publish(TOPICS.traderRegistrations.name, [
      {
        key: encode.traderKey(trader),
        value: encode.traderRegistration({ time: known.time, tokenSha256: known.tokenSha256, tokenNonce: known.tokenNonce, removedAt }),
      },
    ]);
    this.remember(known.trader, { ...known, removedAt });
  }

  /** Records the teams the coach creates (those not yet known), once durable on every server's topic. */
  async createTeams(teams: readonly string[]): Promise<void> {
    const time = new Date(this.clock.now()).toISOString();
    const fresh = [...new Set(teams)].filter((team) => !this.createdTeams.has(team));
    if (fresh.length === 0) return;
    await this.bus.publish(
      TOPICS.traderRegistrations.name,
      fresh.map((team) => ({ key: encode.teamKey({ team }), value: encode.teamRecord({ time }) })),
    );
    for (const team of fresh) this.createdTeams.add(team);
  }

  hasTeam(team: string): boolean {
    return this.createdTeams.has(team);
  }

  /** The teams the coach created, in the order they were. */
  teams(): readonly string[] {
    return [...this.createdTeams];
  }

  /** Called with each trader removed from now on (by this server or another). */
  onRemoved(listener: (trader: TraderKey) => void): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  isRemoved(trader: TraderKey): boolean {
    return this.registered.get(traderId(trader))?.removedAt !== undefined;
  }

  /** Every registered trader, removed ones included, in registration order. */
  traders(): readonly { readonly trader: TraderKey; readonly removed: boolean }[] {
    return [...this.registered.values()].map((r) => ({ trader: r.trader, removed: r.removedAt !== undefined }));
  }

  private load(): Promise<void> {
    return this.follower.load(() => {
      this.byTokenHash.clear();
      this.registered.clear();
      this.createdTeams.clear();
    });
  }

  /** A registration (or a team) read from the topic, this server's own included (remembering is idempotent). */
  private apply(message: BusMessage): void {
    const team = decodeMessage.teamKey(message.key);
    if (team.ok) {
      if (decodeMessage.teamRecord(message.value).ok) this.createdTeams.add(team.value.team);
      return;
    }
    const trader = decodeTraderKey(message.key);
    const registration = decodeMessage.traderRegistration(message.value);
    if (trader.ok && registration.ok) this.remember(trader.value, { trader: trader.value, ...registration.value });
  }

  /**
   * The token of a trader (what its signed Kafka orders are keyed by): derived from its registration's
   * nonce and the server's secret, never stored. Undefined for an unknown or removed trader, or one
   * registered before tokens were derived.
   */
  tokenOf(trader: TraderKey): string | undefined {
    const registration = this.registered.get(traderId(trader));
    if (registration?.tokenNonce === undefined || registration.removedAt !== undefined) return undefined;
    return this.tokenFrom(registration.tokenNonce);
  }

  private tokenFrom(nonce: string): string {
    return this.key.derive(`trader-token/${nonce}`).toString('base64url');
  }

  /** The trader a token belongs to, or undefined (an unknown token, or a removed trader's). */
  traderForToken(token: string): TraderKey | undefined {
    const registration = this.byTokenHash.get(sha256(token));
    return registration?.removedAt === undefined ? registration?.trader : undefined;
  }

  /** Why a token that is not accepted is not: a removed trader's, or unknown. */
  tokenRefusal(token: string): string {
    const registration = this.byTokenHash.get(sha256(token));
    return registration?.removedAt === undefined ? 'unknown trader token' : new TraderRemovedError(registration.trader).message;
  }

  isRegistered(trader: TraderKey): boolean {
    return this.registered.has(traderId(trader));
  }

  get size(): number {
    return this.registered.size;
  }

  private remember(trader: TraderKey, registration: Registered): void {
    const id = traderId(trader);
    const wasRemoved = this.registered.get(id)?.removedAt !== undefined;
    // A removal is final: an older registration read after it (replayed onto the topic) does not undo it.
    if (wasRemoved && registration.removedAt === undefined) return;
    const key = { team: trader.team, name: trader.name };
    const remembered = { ...registration, trader: key };
    this.registered.set(id, remembered);
    this.byTokenHash.set(registration.tokenSha256, remembered);
    if (registration.removedAt === undefined || wasRemoved) return;
    for (const listener of this.removalListeners) {
      // One listener failing (a socket that cannot be closed) must not keep the others, or the registry, from the removal.
      try {
        listener(key);
      } catch (err) {
        this.logger.error(`a listener of ${traderId(key)}'s removal failed: ${String(err)}`);
      }
    }
  }
}
