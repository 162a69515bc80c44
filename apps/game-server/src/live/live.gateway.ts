/**
 * The live feed and the players' action socket at /ws. Everybody gets the
 * price, the leaderboard, game events and gibbs; a socket that authenticates
 * with a trader token may act and receives that trader's results and state.
 * The feed is read from the topics, as any other consumer would; the answers
 * (txn-results, txn-rejections) and the traders' states come from the
 * server's one read of each, the TxnResultWaiter's and the TraderStatesView's.
 */
import { randomUUID } from 'node:crypto';
import { Inject, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import {
  ACTION_LIST,
  authSchema,
  BROKER_UNAVAILABLE,
  decodeMessage,
  decodeTxnAnswer,
  PROTOCOL_LIMITS,
  serverFrame,
  TOPICS,
  traderId,
  validate,
  WS_CLIENT_EVENTS,
  WS_SERVER_EVENTS,
  type ActionRequest,
  type ServerEvent,
  type ServerFrameData,
  type TraderKey,
  type TraderState,
  type WsFrame,
} from '@banana-market/protocol';
import {
  BusUnavailableError,
  busHealth,
  MESSAGE_BUS,
  type BusHealth,
  type BusMessage,
  type MessageBus,
  type Subscription,
} from '../bus/message-bus.js';
import { ActionSubmitter, RateLimitedError } from '../game/action-submitter.service.js';
import { GameService } from '../game/game.service.js';
import { TraderRegistry, TraderRemovedError } from '../game/trader-registry.service.js';
import { TxnResultWaiter } from '../game/txn-result-waiter.service.js';
import { TraderActivityView } from '../read-models/trader-activity.view.js';
import { RecentHistoryBuffer } from './recent-history.js';
import { GameMetrics } from '../metrics/game-metrics.js';
import { TraderStatesView } from '../read-models/trader-states.view.js';
import { INVALID_FRAME_EVENT, WS_HARD_MAX_FRAME_BYTES, type InvalidFrame } from './ws-frame-parser.js';
import { decodeTraderKey } from '../game/trader-key-decoder.js';
import { PriceAlertsService } from './price-alerts.service.js';

/** Leaderboard pushes are coalesced: at most one per this many milliseconds. */
const LEADERBOARD_THROTTLE_MS = 250;

interface ClientInfo {
  trader?: TraderKey;
}

/** The close code of a removed trader's sockets (4000–4999 are the application's). */
export const REMOVED_CLOSE_CODE = 4403;
/** What a WebSocket close frame's reason may hold (RFC 6455: 125 bytes of payload, 2 of them the code). */
const MAX_CLOSE_REASON_BYTES = 123;

// maxPayload: the hard cap; frames between the protocol's limit and it are answered by the parser with an error frame.
@WebSocketGateway({ path: '/ws', maxPayload: WS_HARD_MAX_FRAME_BYTES })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveGateway');
  private readonly clients = new Map<WebSocket, ClientInfo>();
  /** traderId → how many sockets are signed in as that trader: who results and states are decoded for. */
  private readonly online = new Map<string, number>();
  private subscription?: Subscription;
  private leaderboardTimer?: NodeJS.Timeout;
  private leaderboardDirty = false;
  private stopHealthFeed?: () => void;
  private stopAnswers?: () => void;
  private stopStates?: () => void;
  private stopRemovals?: () => void;
  private stopPriceAlerts?: () => void;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly game: GameService,
    private readonly registry: TraderRegistry,
    private readonly submitter: ActionSubmitter,
    private readonly answers: TxnResultWaiter,
    private readonly states: TraderStatesView,
    private readonly activity: TraderActivityView,
    private readonly metrics: GameMetrics,
    private readonly priceAlerts: PriceAlertsService,
  ) {}

  /** The feed's recent past: what a screen opened now is given in its welcome (and GET /api/history). */
  readonly history = new RecentHistoryBuffer();

  async onModuleInit(): Promise<void> {
    // The scoreboard's "broker unavailable" banner, and the bots' cue that actions are refused for now.
    this.stopHealthFeed = this.bus.onHealthChange?.((health) => this.broadcast(WS_SERVER_EVENTS.health, healthFrameData(health)));
    this.subscription = await this.bus.subscribe({
      groupId: `banana-market-live-${randomUUID()}`,
      topics: [TOPICS.sharePrice.name, TOPICS.gameEvents.name, TOPICS.gibberGibbs.name],
      commitOffsets: false,
      onMessage: (message) => this.forward(message),
    });
    this.stopAnswers = this.answers.onAnswer((message) => this.forward(message));
    this.stopStates = this.states.onChange((trader, state) => this.stateChanged(trader, state));
    this.stopRemovals = this.registry.onRemoved((trader) => this.closeSocketsOf(trader));
    // The room's --live alerts, while the coach shows them (PriceAlertsService): for the ticker, not the history.
    this.stopPriceAlerts = this.priceAlerts.onAlert((alert) => this.broadcast(WS_SERVER_EVENTS.priceAlert, alert));
  }

  /** The coach removed the trader: its sockets are closed, saying why (4403: an application's "forbidden"). */
  private closeSocketsOf(trader: TraderKey): void {
    const id = traderId(trader);
    for (const [client, info] of this.clients) {
      if (info.trader === undefined || traderId(info.trader) !== id) continue;
      this.signOut(client);
      // A close reason is at most 123 bytes: a long team and name would not fit in the full sentence.
      const reason = new TraderRemovedError(trader).message;
      client.close(REMOVED_CLOSE_CODE, Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES ? reason : 'removed from the game by the coach');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.leaderboardTimer);
    this.stopHealthFeed?.();
    this.stopAnswers?.();
    this.stopStates?.();
    this.stopRemovals?.();
    this.stopPriceAlerts?.();
    await this.subscription?.close();
  }

  handleConnection(client: WebSocket): void {
    this.clients.set(client, {});
    this.metrics.clientConnected();
    // The seed is secret while the game runs (it foretells the price walk): its commitment only, and the seed once the game has ended.
    const seed = this.game.revealedSeed;
    this.send(client, WS_SERVER_EVENTS.welcome, {
      market: this.game.market(),
      leaderboard: this.game.leaderboard(),
      seedCommitment: this.game.seedCommitment,
      ...(seed === undefined ? {} : { seed }),
      tickMs: this.game.tickMs,
      history: this.history.snapshot(),
    });
    const health = busHealth(this.bus);
    if (health.status !== 'ok') this.send(client, WS_SERVER_EVENTS.health, healthFrameData(health));
  }

  handleDisconnect(client: WebSocket): void {
    this.signOut(client);
    if (this.clients.delete(client)) this.metrics.clientDisconnected();
  }

  @SubscribeMessage(WS_CLIENT_EVENTS.auth)
  authenticate(@ConnectedSocket() client: WebSocket, @MessageBody() data: unknown): WsFrame {
    const body = validate(authSchema, data, 'data', true);
    if (!body.ok) return errorFrame(body.error.message);
    const trader = this.registry.traderForToken(body.value.token);
    if (trader === undefined) return errorFrame(`data.token: ${this.registry.tokenRefusal(body.value.token)}`);
    this.signOut(client);
    this.clients.set(client, { trader });
    const id = traderId(trader);
    this.online.set(id, (this.online.get(id) ?? 0) + 1);
    this.activity.socketsChanged(trader, 1);
    return serverFrame(WS_SERVER_EVENTS.authenticated, { ...trader, state: this.game.traderState(trader) ?? null });
  }

  @SubscribeMessage(INVALID_FRAME_EVENT)
  invalidFrame(@MessageBody() problem: InvalidFrame): WsFrame {
    return errorFrame(`${problem.field}: expected ${problem.expected}`);
  }

  /**
   * An action frame (one event per entry of the action table, declared below
   * the class). The result reaches the socket through the txn-results feed
   * (like results of this trader's Kafka actions), so only failures are
   * answered here.
   */
  async act(client: WebSocket, data: unknown, kind: ActionRequest['kind']): Promise<WsFrame | undefined> {
    const txnId = salvageTxnId(data);
    const trader = this.clients.get(client)?.trader;
    if (trader === undefined) return errorFrame('not authenticated: send {"event":"auth","data":{"token":"..."}} first', txnId);
    const spec = ACTION_LIST.find((a) => a.kind === kind);
    if (spec === undefined) return errorFrame(`event: no action "${kind}"`, txnId);
    // Field paths are the frame's own: `data.shares`, or `data` itself when it is not an object.
    const body = validate(spec.bodySchema, data, 'data', true);
    if (!body.ok) return errorFrame(body.error.message, txnId);
    try {
      await this.submitter.submit(trader, { kind, body: body.value } as ActionRequest, 'websocket');
      return undefined;
    } catch (err) {
      if (err instanceof BusUnavailableError) return this.refusedForBroker(trader, spec.txnType, txnId, err);
      if (err instanceof RateLimitedError) {
        const frame = serverFrame(WS_SERVER_EVENTS.error, {
          message: err.message,
          ...(txnId === undefined ? {} : { txnId }),
          code: err.code,
          retryAfterMs: err.retryAfterMs,
        });
        // Answered when the trader may retry: a socket flooding with frames in flight is paced, as HTTP is.
        return this.submitter.pacer.later(trader, err.retryAfterMs, () => frame);
      }
      return errorFrame((err as Error).message, txnId);
    }
  }

  /** Refused while the broker is away: answered as any refusal is, REJECTED with the reason (an error frame when the trader has no state yet). */
  private refusedForBroker(trader: TraderKey, type: ActionTxnType, txnId: string | undefined, err: BusUnavailableError): WsFrame {
    const reason = `${BROKER_UNAVAILABLE}: ${err.message}`;
    const state = this.game.traderState(trader);
    if (state === undefined) return errorFrame(reason, txnId);
    return serverFrame(WS_SERVER_EVENTS.txnResult, { txnId: txnId ?? '', type, state, status: 'REJECTED', reason });
  }

  private forward(message: BusMessage): void {
    switch (message.topic) {
      case TOPICS.sharePrice.name: {
        const price = decodeMessage.sharePrice(message.value);
        if (price.ok) {
          const { hype, tick, plantationYield } = this.game.snapshot();
          const { remainingMs } = this.game.market();
          const frame = { ...price.value, hype, tick, plantationYield, remainingMs };
          this.history.price(frame);
          this.broadcast(WS_SERVER_EVENTS.price, frame);
        }
        return;
      }
      case TOPICS.gameEvents.name: {
        const event = decodeMessage.gameEvent(message.value);
        if (event.ok) {
          this.history.event(event.value);
          this.broadcast(WS_SERVER_EVENTS.gameEvent, event.value);
        }
        if (event.ok && event.value.type === 'GAME_RESET') this.scheduleLeaderboard();
        return;
      }
      case TOPICS.gibberGibbs.name: {
        const gibb = decodeMessage.gibb(message.value);
        if (gibb.ok) {
          this.history.gibb(gibb.value);
          this.broadcast(WS_SERVER_EVENTS.gibb, gibb.value);
        }
        return;
      }
      case TOPICS.txnResults.name:
      case TOPICS.txnRejections.name: {
        // A refusal (paused game, bad field of a Kafka order, team outside GAME_TEAMS) reaches the socket as the
        // REJECTED result it always was: txn-rejections exists so that txn-results stays readable by 2018 clients.
        // Every answer of the game passes here: only those of a trader with a socket are decoded.
        const trader = this.onlineTrader(message);
        const result = trader === undefined ? undefined : decodeTxnAnswer(message.topic, message.value);
        if (trader !== undefined && result !== undefined) this.sendToTrader(trader, WS_SERVER_EVENTS.txnResult, result);
        return;
      }
    }
  }

  /** A trader's new state (undefined: removed), as the view took it. */
  private stateChanged(trader: TraderKey, state: TraderState | undefined): void {
    // Every order's state passes here: with no trader signed in, no id is built to look up (as onlineTrader does).
    if (state !== undefined && this.online.size > 0 && this.online.has(traderId(trader)))
      this.sendToTrader(trader, WS_SERVER_EVENTS.traderState, state);
    this.scheduleLeaderboard();
  }

  /** The trader a message is keyed by, if a socket is signed in as it (else the message is nobody's here). */
  private onlineTrader(message: BusMessage): TraderKey | undefined {
    if (this.online.size === 0) return undefined;
    const trader = decodeTraderKey(message.key);
    return trader.ok && this.online.has(traderId(trader.value)) ? trader.value : undefined;
  }

  private signOut(client: WebSocket): void {
    const previous = this.clients.get(client)?.trader;
    if (previous === undefined) return;
    this.clients.set(client, {});
    this.activity.socketsChanged(previous, -1);
    const id = traderId(previous);
    const left = (this.online.get(id) ?? 1) - 1;
    if (left > 0) this.online.set(id, left);
    else this.online.delete(id);
  }

  /** Leaderboard changes come in bursts (every action); spectators need them a few times a second at most. */
  private scheduleLeaderboard(): void {
    // Nobody watching: the next one to connect gets the leaderboard in its welcome.
    if (this.clients.size === 0) return;
    this.leaderboardDirty = true;
    if (this.leaderboardTimer !== undefined) return;
    this.leaderboardTimer = setTimeout(() => {
      this.leaderboardTimer = undefined;
      if (!this.leaderboardDirty) return;
      this.leaderboardDirty = false;
      this.broadcast(WS_SERVER_EVENTS.leaderboard, this.game.leaderboard());
    }, LEADERBOARD_THROTTLE_MS);
  }

  private broadcast<E extends ServerEvent>(event: E, data: ServerFrameData<E>): void {
    const frame = JSON.stringify({ event, data });
    for (const client of this.clients.keys()) this.sendRaw(client, frame);
  }

  private sendToTrader<E extends ServerEvent>(trader: TraderKey, event: E, data: ServerFrameData<E>): void {
    const id = traderId(trader);
    const frame = JSON.stringify({ event, data });
    for (const [client, info] of this.clients) {
      if (info.trader !== undefined && traderId(info.trader) === id) this.sendRaw(client, frame);
    }
  }

  private send<E extends ServerEvent>(client: WebSocket, event: E, data: ServerFrameData<E>): void {
    this.sendRaw(client, JSON.stringify({ event, data }));
  }

  private sendRaw(client: WebSocket, frame: string): void {
    if (client.readyState !== client.OPEN) return;
    client.send(frame, (err) => {
      if (err) this.logger.debug(`dropped a frame to a closing socket: ${err.message}`);
    });
  }
}

type ActionTxnType = (typeof ACTION_LIST)[number]['txnType'];

function healthFrameData(health: BusHealth): ServerFrameData<'health'> {
  return health.status === 'ok' ? { status: 'ok' } : { status: 'degraded', reason: health.reason };
}

function errorFrame(message: string, txnId?: string): WsFrame {
  return serverFrame(WS_SERVER_EVENTS.error, txnId === undefined ? { message } : { message, txnId });
}

// What `@SubscribeMessage(event) market(@ConnectedSocket() client, @MessageBody() data)` would declare, for every action kind.
for (const spec of ACTION_LIST) {
  const prototype = LiveGateway.prototype as unknown as Record<string, unknown>;
  const handler = function (this: LiveGateway, client: WebSocket, data: unknown): Promise<WsFrame | undefined> {
    return this.act(client, data, spec.kind);
  };
  Object.defineProperty(handler, 'name', { value: spec.kind });
  Object.defineProperty(prototype, spec.kind, { value: handler, writable: true, configurable: true });
  ConnectedSocket()(prototype, spec.kind, 0);
  MessageBody()(prototype, spec.kind, 1);
  const descriptor = Object.getOwnPropertyDescriptor(prototype, spec.kind) as PropertyDescriptor;
  Reflect.decorate([SubscribeMessage(spec.wsEvent)], prototype, spec.kind, descriptor);
}

function salvageTxnId(data: unknown): string | undefined {
  const txnId = typeof data === 'object' && data !== null ? (data as { txnId?: unknown }).txnId : undefined;
  return typeof txnId === 'string' && txnId.length <= PROTOCOL_LIMITS.maxTxnIdLength ? txnId : undefined;
}
