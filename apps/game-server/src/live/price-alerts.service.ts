/**
 * The room's chapter-05 price alerts for the scoreboard's ticker, behind the
 * coach's switch (off by default). On, the server follows every topic
 * `live-NAME-kata-05-price-alerts` (those of participants who go live later
 * too) and hands each alert to the live feed. Those records are anyone's
 * code: one the protocol's schema refuses is left out (counted, logged at
 * debug), never a crash. A follower of its own each time it is switched on,
 * from the topics' beginning, keeps only the alerts of prices since then:
 * a participant's run replaying the game's history is not the room's news.
 * An alert's time is a field anyone may write: one from the future (past
 * this server's clock plus a few seconds) is refused. Also bounded, since a
 * player may write those topics as fast as their quota allows: a record over
 * 1 KiB is refused unread, one stamped before the switch is skipped unread,
 * and each participant shows at most one alert a second. Which participant
 * an alert is from is its topic's name: players share one Kafka user, so one
 * could write under another's name (a workshop's trust, see kafka-access.ts).
 */
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@banana-market/engine';
import { kataPriceAlertSchema, liveAlertsParticipant, SERVER_RESOURCE_PREFIX, type LivePriceAlert } from '@banana-market/protocol';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type Subscription } from '../bus/message-bus.js';
import { GAME_CLOCK } from '../game/tokens.js';

export type SwitchOutcome = 'done' | 'no-kafka';

/** A kata's alert is some 60 bytes of JSON: a record far larger is no alert, and is not worth parsing. */
const MAX_ALERT_BYTES = 1024;
/** How far ahead of this server's clock an alert's time may be (clocks differ a little), in ms. */
const FUTURE_ALLOWANCE_MS = 10_000;
/** Each participant's alerts on the ticker are at least this far apart, in ms: a flood of one is not the room's news. */
const MIN_ALERT_INTERVAL_MS = 1_000;

@Injectable()
export class PriceAlertsService implements OnApplicationShutdown {
  private readonly logger = new Logger('PriceAlerts');
  private readonly listeners = new Set<(alert: LivePriceAlert) => void>();
  private subscription: Subscription | undefined;
  private switchedOnAt = 0;
  /** Which switching-on the delivered records belong to: a record of an earlier follower, or of one not yet returned, is its own. */
  private generation = 0;
  private activeGeneration = 0;
  /** Per participant: when their last alert was shown (this server's clock), since the switch went on. */
  private readonly lastShown = new Map<string, number>();
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
    this.lastShown.clear();
    const generation = ++this.generation;
    // Set before following starts: a record delivered before followTopics returns is this switching-on's.
    this.activeGeneration = generation;
    this.subscription = await this.bus.followTopics({
      // Under the server's own prefix, which players' ACLs deny: a player joining this group could take its partitions.
      groupId: `${SERVER_RESOURCE_PREFIX}-live-alerts-${randomUUID()}`,
      matches: (topic) => liveAlertsParticipant(topic) !== undefined,
      onMessage: (message) => this.received(message, generation),
    });
    return 'done';
  }

  private async switchOff(): Promise<SwitchOutcome> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.activeGeneration = 0;
    await subscription?.close();
    return 'done';
  }

  private received(message: BusMessage, generation: number): void {
    const participant = liveAlertsParticipant(message.topic);
    if (participant === undefined || generation !== this.activeGeneration) return;
    // A participant's run replaying the game's history writes records stamped with their prices' times: skipped unread.
    if (message.timestamp < this.switchedOnAt) return;
    if (message.value !== null && message.value.length > MAX_ALERT_BYTES) return this.refuse(message, `over ${MAX_ALERT_BYTES} bytes`);
    const alert = kataPriceAlertSchema.safeParse(parseJson(message.value));
    if (!alert.success) return this.refuse(message, alert.error.issues[0]?.message ?? 'unreadable');
    const now = this.clock.now();
    const time = Date.parse(alert.data.time);
    if (time < this.switchedOnAt) return;
    if (time > now + FUTURE_ALLOWANCE_MS) return this.refuse(message, `its time ${alert.data.time} is in the future`);
    const last = this.lastShown.get(participant);
    if (last !== undefined && now - last < MIN_ALERT_INTERVAL_MS) return;
    this.lastShown.set(participant, now);
    for (const listener of this.listeners) listener({ participant, ...alert.data });
  }

  private refuse(message: BusMessage, why: string): void {
    this.refused += 1;
    this.logger.debug(`${message.topic}@${message.offset} is no price alert: ${why}`);
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
