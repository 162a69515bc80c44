/**
 * The bot's way in over the server's gateway: register over HTTP when no
 * token is given, then one WebSocket for prices, results and actions. It
 * reconnects with backoff when the server goes away and re-authenticates.
 */
import WebSocket from 'ws';
import {
  ACTIONS,
  API_PATHS,
  parseServerFrame,
  WS_CLIENT_EVENTS,
  WS_SERVER_EVENTS,
  type ServerFrame,
  type TraderAction,
  type TraderKey,
} from '@banana-market/protocol';
import { BotSetupError, type BotTransport, type TransportEvents } from './transport.js';

export interface WsTransportOptions {
  /** e.g. http://localhost:3000 */
  readonly server: string;
  readonly trader: TraderKey;
  readonly token?: string;
  /** The team's join code, when the coach hands them out (REGISTRATION=codes): sent with the registration. */
  readonly joinCode?: string;
}

const MAX_BACKOFF_MS = 5000;

class TokenRejectedError extends BotSetupError {}

export class WsTransport implements BotTransport {
  readonly trader: TraderKey;
  private token: string | undefined;
  private socket: WebSocket | undefined;
  private events!: TransportEvents;
  private closed = false;
  private backoffMs = 250;
  /** Registered by this bot (not given): after a server restart that forgot it, register again. */
  private registeredHere = false;

  constructor(private readonly options: WsTransportOptions) {
    this.trader = options.trader;
    this.token = options.token;
  }

  /** The token in use (the registered one when none was given): show it so the user can reconnect with it. */
  get traderToken(): string | undefined {
    return this.token;
  }

  async connect(events: TransportEvents): Promise<void> {
    this.events = events;
    if (this.token === undefined) {
      this.token = await this.register();
      this.registeredHere = true;
    }
    await this.open();
  }

  async send(action: TraderAction): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) throw new Error('not connected to the server (reconnecting)');
    const { time: _time, ...body } = action.order;
    socket.send(JSON.stringify({ event: ACTIONS[action.kind].wsEvent, data: body }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.socket?.close();
  }

  private async register(): Promise<string> {
    const url = new URL(API_PATHS.traders, this.options.server);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...this.trader, ...(this.options.joinCode === undefined ? {} : { code: this.options.joinCode }) }),
      });
    } catch (err) {
      throw new BotSetupError(`cannot reach the game server at ${this.options.server} (${(err as Error).cause ?? (err as Error).message})`);
    }
    const body = (await response.json().catch(() => ({}))) as { token?: string; message?: string };
    if (response.status === 409) {
      throw new BotSetupError(`${this.trader.team}/${this.trader.name} is already registered: pass its token with --token (or pick another --name)`);
    }
    if (response.status !== 201 || typeof body.token !== 'string') {
      throw new BotSetupError(`the server refused the registration (${response.status}): ${body.message ?? JSON.stringify(body)}`);
    }
    return body.token;
  }

  /** Opens the socket and authenticates; resolves once the server accepted the token. */
  private open(): Promise<void> {
    const wsUrl = new URL('/ws', this.options.server);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve, reject) => {
      let authenticated = false;
      const socket = new WebSocket(wsUrl);
      this.socket = socket;
      socket.on('open', () => socket.send(JSON.stringify({ event: WS_CLIENT_EVENTS.auth, data: { token: this.token } })));
      socket.on('message', (raw) => {
        const parsed = parseServerFrame(raw.toString());
        if (!parsed.ok) {
          this.events.status(`ignored a frame the server sent: ${parsed.problem}`);
          return;
        }
        const frame = parsed.frame;
        if (frame === undefined) return; // an event this client does not know (a newer server)
        if (!authenticated) {
          if (frame.event === WS_SERVER_EVENTS.authenticated) {
            authenticated = true;
            this.backoffMs = 250;
            if (frame.data.state) this.events.state(frame.data.state);
            resolve();
          } else if (frame.event === WS_SERVER_EVENTS.error) {
            socket.close();
            reject(new TokenRejectedError(`the server did not accept the token for ${this.trader.team}/${this.trader.name}: ${frame.data.message}`));
          }
          return;
        }
        this.dispatch(frame);
      });
      socket.on('error', (err) => {
        if (!authenticated) reject(new BotSetupError(`cannot open ${wsUrl.href}: ${err.message}`));
      });
      socket.on('close', () => {
        if (!authenticated || this.closed) return;
        this.events.status(`connection to ${this.options.server} lost; reconnecting`);
        this.reconnect();
      });
    });
  }

  private reconnect(): void {
    setTimeout(() => {
      if (this.closed) return;
      this.open().then(
        () => this.events.status('reconnected'),
        async (err: Error) => {
          if (err instanceof TokenRejectedError) {
            if (!this.registeredHere) {
              this.events.status(
                `${err.message}; giving up (a server started without its data directory forgot its players: register again, without the token)`,
              );
              return this.fail(err);
            }
            // A restarted server that forgot its players (no data directory): register again, and say so — it is a new trader with a new token.
            const token = await this.register().catch(() => undefined);
            if (token !== undefined) {
              this.token = token;
              this.events.status(
                `the server forgot this trader (a new game): registered again, score from zero; its new token: BANANA_TOKEN=${token}`,
              );
            }
          }
          this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
          this.reconnect();
        },
      );
    }, this.backoffMs);
  }

  private fail(err: Error): void {
    this.closed = true;
    this.events.fatal(err);
  }

  private dispatch(frame: ServerFrame): void {
    switch (frame.event) {
      case WS_SERVER_EVENTS.price:
        return this.events.price(frame.data);
      case WS_SERVER_EVENTS.txnResult:
        return this.events.result(frame.data);
      case WS_SERVER_EVENTS.traderState:
        return this.events.state(frame.data);
      case WS_SERVER_EVENTS.gibb:
        return this.events.gibb(frame.data);
      case WS_SERVER_EVENTS.gameEvent:
        return this.events.gameEvent(frame.data);
      case WS_SERVER_EVENTS.error:
        return this.events.refused(frame.data.message, frame.data.txnId);
    }
  }
}
