/**
 * WebSocket messages, as `{"event": name, "data": payload}` JSON frames.
 * Server → client events are pushed; client → server events are requests.
 */
export const WS_SERVER_EVENTS = Object.freeze({
  welcome: 'welcome',
  price: 'price',
  leaderboard: 'leaderboard',
  gameEvent: 'game-event',
  gibb: 'gibb',
  txnResult: 'txn-result',
  traderState: 'trader-state',
  authenticated: 'authenticated',
  error: 'error',
});

export const WS_CLIENT_EVENTS = Object.freeze({
  auth: 'auth',
  market: 'market',
  invest: 'invest',
  feed: 'feed',
});

export interface WsFrame<T = unknown> {
  readonly event: string;
  readonly data: T;
}
