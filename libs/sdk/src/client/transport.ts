/**
 * How a bot reaches the game: the server's WebSocket/HTTP gateway, or Kafka
 * directly. The client above it is the same, so a bot runs unchanged on
 * either.
 */
import type { GameEvent, Gibb, SharePrice, TraderAction, TraderKey, TraderState, TxnResult } from '@banana-market/protocol';

export interface TransportEvents {
  price(price: SharePrice): void;
  result(result: TxnResult): void;
  state(state: TraderState): void;
  gibb(gibb: Gibb): void;
  /** Hype changes, bursts, pauses and the end of the game. */
  gameEvent(event: GameEvent): void;
  /** The server refused a request outright (e.g. a bad field), with the txnId when known. */
  refused(reason: string, txnId: string | undefined): void;
  /** Connection news for the log: lost, reconnecting, back. */
  status(message: string): void;
  /** The connection cannot come back (e.g. the token was revoked): the bot should stop. */
  fatal(error: Error): void;
}

export interface BotTransport {
  readonly trader: TraderKey;
  /** Connects (registering first when needed); rejects with a clear message on a bad address or token. */
  connect(events: TransportEvents): Promise<void>;
  send(action: TraderAction): Promise<void>;
  close(): Promise<void>;
}

/** A failure the bot's user can fix (address, token, usage): shown as one line, no stack. */
export class BotSetupError extends Error {
  override readonly name = 'BotSetupError';
}
