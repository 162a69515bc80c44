/**
 * Keeps the store fed: a REST snapshot first (so a page opened mid-game, or
 * one coming back after a server restart, is complete at once), then the
 * /ws feed. When either fails or the feed goes quiet, it tries again with
 * backoff and resyncs from a fresh snapshot.
 */
import { API_PATHS, leaderboardSchema, marketViewSchema, validate } from '@banana-market/protocol';
import type { z } from 'zod';
import type { ScoreboardStore } from '../state/scoreboard-store.js';
import { Backoff } from './backoff.js';
import { parseLiveFrame } from './live-frames.js';

export interface LiveConnectionOptions {
  /** The game server's origin, e.g. http://localhost:3000 (the page's own by default). */
  readonly server: string;
  readonly backoff?: Backoff;
  /** Without a frame for this long while the game runs, the feed is presumed dead. */
  readonly staleAfterMs?: (tickMs: number) => number;
  readonly log?: Pick<Console, 'warn' | 'info'>;
}

export class LiveConnection {
  private readonly backoff: Backoff;
  private readonly log: Pick<Console, 'warn' | 'info'>;
  private socket: WebSocket | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private stopped = false;
  private downSince: number | undefined;

  constructor(
    private readonly store: ScoreboardStore,
    private readonly options: LiveConnectionOptions,
  ) {
    this.backoff = options.backoff ?? new Backoff();
    this.log = options.log ?? console;
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
    this.watchdog = setInterval(() => this.checkStale(), 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    this.socket?.close();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    this.store.setConnection({ status: 'connecting', attempt: this.backoff.attempt + 1 });
    try {
      const [market, leaderboard] = await Promise.all([
        this.getJson(API_PATHS.market, marketViewSchema),
        this.getJson(API_PATHS.leaderboard, leaderboardSchema),
      ]);
      if (this.stopped) return;
      this.store.applySnapshot(market, leaderboard);
    } catch (err) {
      this.retry(`snapshot failed: ${(err as Error).message}`);
      return;
    }
    this.openSocket();
  }

  private openSocket(): void {
    const url = new URL(API_PATHS.websocket, this.options.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.socket = socket;
    this.lastFrameAt = Date.now();
    let welcomed = false;
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      this.lastFrameAt = Date.now();
      const parsed = parseLiveFrame(String(message.data));
      if (!parsed.ok) {
        this.log.warn(`scoreboard: ignored a frame: ${parsed.problem}`);
        return;
      }
      if (parsed.frame === undefined) return;
      this.store.applyFrame(parsed.frame);
      if (!welcomed && parsed.frame.event === 'welcome') {
        welcomed = true;
        if (this.downSince !== undefined) this.log.info(`scoreboard: live again after ${Date.now() - this.downSince} ms`);
        this.downSince = undefined;
        this.backoff.reset();
        this.store.setConnection({ status: 'live' });
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.retry(`feed closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    };
    // onerror is always followed by onclose, which does the retrying.
    socket.onerror = () => undefined;
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.downSince ??= Date.now();
    const delay = this.backoff.nextDelayMs();
    this.store.setConnection({
      status: 'reconnecting',
      attempt: this.backoff.attempt,
      retryAt: Date.now() + delay,
      since: this.downSince,
      reason,
    });
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
  }

  /** A half-open socket (a server that vanished without closing) shows as silence: drop it and reconnect. */
  private checkStale(): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    if (this.store.market?.status !== 'running') return;
    const staleAfter = (this.options.staleAfterMs ?? defaultStaleAfter)(this.store.tickMs);
    if (Date.now() - this.lastFrameAt < staleAfter) return;
    this.socket = undefined;
    socket.close();
    this.retry(`no data for ${Math.round(staleAfter / 1000)} s`);
  }

  private async getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(new URL(path, this.options.server), { cache: 'no-store' });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    const body = validate(schema, await response.json(), path, true);
    if (!body.ok) throw new Error(body.error.message);
    return body.value;
  }
}

function defaultStaleAfter(tickMs: number): number {
  return Math.max(10_000, tickMs * 5);
}
