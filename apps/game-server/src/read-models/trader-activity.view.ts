/**
 * What the coach's trader list shows about each trader, as this server sees
 * it: every answer of the game passes through the server's one reader of
 * txn-results and txn-rejections (TxnResultWaiter), the gateways say which
 * orders they wrote and the live gateway which sockets are signed in.
 * Counts live in memory only and start over with the server: they describe
 * the room now, nothing a game depends on.
 */
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RATE_LIMITED, TOPICS, traderId, type TraderActivity, type TraderKey } from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import type { BusMessage } from '../bus/message-bus.js';
import { GAME_CLOCK } from '../game/tokens.js';
import { publishedResult } from '../game/published-answers.js';
import { decodeTraderKey } from '../game/trader-key-decoder.js';
import { TxnResultWaiter } from '../game/txn-result-waiter.service.js';

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/** Counts per second over the last minute: 60 slots, each knowing which second it holds. */
class MinuteCounter {
  private readonly counts = new Uint32Array(60);
  private readonly seconds = new Float64Array(60).fill(-1);

  add(now: number): void {
    const second = Math.floor(now / SECOND_MS);
    const slot = second % 60;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]++;
  }

  total(now: number): number {
    const oldest = Math.floor((now - MINUTE_MS) / SECOND_MS);
    let sum = 0;
    for (let slot = 0; slot < 60; slot++) if (this.seconds[slot] > oldest) sum += this.counts[slot];
    return sum;
  }
}

interface Activity {
  readonly answered: MinuteCounter;
  /** Orders this server's gateways wrote, per path. */
  readonly written: { readonly http: MinuteCounter; readonly websocket: MinuteCounter };
  lastActionAt: number | undefined;
  rejections: number;
  rateLimited: number;
  sockets: number;
}

/**
 * txn-results also carries what the game pays out by itself (RETURN, BAILOUT): not a trader's actions.
 * A byte search rather than a parse: every answer of the game passes here.
 */
const PAYOUTS = ['"type":"RETURN"', '"type":"BAILOUT"'].map((text) => Buffer.from(text));
/** Whether a result is a payout: as a task of this process published it (embedded bus), else by its bytes. */
function isPayout(message: BusMessage, value: Buffer): boolean {
  const type = publishedResult(message)?.type;
  if (type !== undefined) return type === 'RETURN' || type === 'BAILOUT';
  return PAYOUTS.some((payout) => value.includes(payout));
}

/** A rejection over the rate limit, found the same way (a flood is thousands of them a second). */
const RATE_LIMITED_REASON = Buffer.from(`"reason":"${RATE_LIMITED}:`);

/**
 * Traders followed at most: a room has a few dozen; the bound keeps a flood of made-up keys on an action
 * topic (each answered under its key) from growing the map. Traders met beyond it are not counted.
 */
const MAX_TRACKED = 2_000;

@Injectable()
export class TraderActivityView implements OnModuleInit, OnApplicationShutdown {
  private readonly activity = new Map<string, Activity>();
  private stopAnswers?: () => void;

  constructor(
    private readonly answers: TxnResultWaiter,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.stopAnswers = this.answers.onAnswer((message) => this.answered(message));
  }

  onApplicationShutdown(): void {
    this.stopAnswers?.();
  }

  /** A gateway of this server wrote an order of the trader. */
  wrote(trader: TraderKey, path: 'http' | 'websocket'): void {
    this.of(trader)?.written[path].add(this.clock.now());
  }

  /** A socket signed in (+1) or out (-1) as the trader. */
  socketsChanged(trader: TraderKey, delta: 1 | -1): void {
    const activity = this.of(trader);
    if (activity !== undefined) activity.sockets = Math.max(0, activity.sockets + delta);
  }

  /** The coach's list: each given trader with what this server saw of it. */
  list(traders: readonly { readonly trader: TraderKey; readonly removed: boolean }[]): TraderActivity[] {
    const now = this.clock.now();
    return traders.map(({ trader, removed }) => {
      const a = this.activity.get(traderId(trader));
      const answered = a?.answered.total(now) ?? 0;
      const http = a?.written.http.total(now) ?? 0;
      const websocket = a?.written.websocket.total(now) ?? 0;
      const paths: TraderActivity['paths'] = [];
      if (http > 0) paths.push('http');
      if (websocket > 0) paths.push('websocket');
      // More answered than this server's gateways wrote: the rest came from a Kafka client (or another server's gateway).
      if (answered > http + websocket) paths.push('kafka');
      return {
        team: trader.team,
        name: trader.name,
        removed,
        sockets: a?.sockets ?? 0,
        paths,
        lastActionAt: a?.lastActionAt === undefined ? null : new Date(a.lastActionAt).toISOString(),
        actionsLastMinute: answered,
        rejections: a?.rejections ?? 0,
        rateLimited: a?.rateLimited ?? 0,
      };
    });
  }

  private answered(message: BusMessage): void {
    const value = message.value;
    if (value === null) return;
    const rejected = message.topic === TOPICS.txnRejections.name;
    if (!rejected && isPayout(message, value)) return;
    const trader = decodeTraderKey(message.key);
    if (!trader.ok) return;
    const activity = this.of(trader.value);
    if (activity === undefined) return;
    const now = this.clock.now();
    activity.answered.add(now);
    activity.lastActionAt = now;
    if (!rejected) return;
    activity.rejections++;
    if (value.includes(RATE_LIMITED_REASON)) activity.rateLimited++;
  }

  private of(trader: TraderKey): Activity | undefined {
    const id = traderId(trader);
    let activity = this.activity.get(id);
    if (activity === undefined) {
      if (this.activity.size >= MAX_TRACKED) return undefined;
      activity = {
        answered: new MinuteCounter(),
        written: { http: new MinuteCounter(), websocket: new MinuteCounter() },
        lastActionAt: undefined,
        rejections: 0,
        rateLimited: 0,
        sockets: 0,
      };
      this.activity.set(id, activity);
    }
    return activity;
  }
}
