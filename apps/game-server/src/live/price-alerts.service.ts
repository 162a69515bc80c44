/**
 * The room's chapter-05 price alerts for the scoreboard's ticker, behind the
 * coach's switch (off by default). On, the server follows every topic
 * `live-NAME-kata-05-price-alerts` (those of participants who go live later
 * too) and hands each alert to the live feed. Those records are anyone's
 * code: one the protocol's schema refuses is left out (counted, logged at
 * debug), never a crash. A follower of its own each time it is switched on,
 * from the topics' beginning, keeps only the alerts of prices since then:
 * a participant's run replaying the game's history is not the room's news.
 * An alert's time is its price's, and prices are this server's (on its
 * clock), so participants' clocks play no part.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@banana-market/engine';
import { kataPriceAlertSchema, liveAlertsParticipant, type LivePriceAlert } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type Subscription } from '../bus/message-bus.js';
import { GAME_CLOCK } from '../game/tokens.js';

export type SwitchOutcome = 'done' | 'no-kafka';

@Injectable()
export class PriceAlertsService implements OnApplicationShutdown {
  private readonly logger = new Logger('PriceAlerts');
  private readonly listeners = new Set<(alert: LivePriceAlert) => void>();
  private subscription: Subscription | undefined;
  private switchedOnAt = 0;
  /** Switching, one change after the other: a quick on-off-on must not leave two followers. */
  private switching: Promise<unknown> = Promise.resolve();
  private refused = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  get on(): boolean {
    return this.subscription !== undefined;
  }

  /** Records on the alert topics the schema refused since the server started. */
  get refusedRecords(): number {
    return this.refused;
  }

  /** Resolves once the alert topics are followed (on) or no longer (off); 'no-kafka' on the embedded bus, which players cannot write to. */
  switchTo(on: boolean): Promise<SwitchOutcome> {
    const change = this.switching.then(() => (on ? this.switchOn() : this.switchOff()));
    this.switching = change.catch(() => undefined);
    return change;
  }

  /** Calls `listener` with each alert while on; returns the unsubscribe function. */
  onAlert(listener: (alert: LivePriceAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.switchTo(false);
  }

  private async switchOn(): Promise<SwitchOutcome> {
    if (this.subscription !== undefined) return 'done';
    if (this.bus.followTopics === undefined) return 'no-kafka';
    this.switchedOnAt = this.clock.now();
    this.subscription = await this.bus.followTopics({
      groupId: `live-alerts-ticker-${randomUUID()}`,
      matches: (topic) => liveAlertsParticipant(topic) !== undefined,
      onMessage: (message) => this.received(message),
    });
    return 'done';
  }

  private async switchOff(): Promise<SwitchOutcome> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
    return 'done';
  }

  private received(message: BusMessage): void {
    const participant = liveAlertsParticipant(message.topic);
    if (participant === undefined || this.subscription === undefined) return;
    const alert = kataPriceAlertSchema.safeParse(parseJson(message.value));
    if (!alert.success) {
      this.refused += 1;
      this.logger.debug(`${message.topic}@${message.offset} is no price alert: ${alert.error.issues[0]?.message ?? 'unreadable'}`);
      return;
    }
    if (Date.parse(alert.data.time) < this.switchedOnAt) return;
    for (const listener of this.listeners) listener({ participant, ...alert.data });
  }
}

/** The record's JSON, or undefined when it is none (the schema then refuses it). */
function parseJson(value: Buffer | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
