/**
 * Parses WebSocket frames for Nest's WsAdapter. Anything that is not a known
 * `{event, data}` frame becomes an `invalid-frame` event, so the client hears
 * why instead of the frame vanishing silently (the adapter's default).
 */
import { describeReceived, PROTOCOL_LIMITS, WS_CLIENT_EVENTS } from '@banana-market/protocol';

export const INVALID_FRAME_EVENT = 'invalid-frame';

/**
 * The socket's hard cap (the ws `maxPayload`): frames up to this size reach
 * the parser, which answers any over PROTOCOL_LIMITS.maxMessageBytes with an
 * `error` frame naming the limit and keeps the socket open; a frame beyond it
 * closes the socket (code 1009) before anything could read it.
 */
export const WS_HARD_MAX_FRAME_BYTES = 1024 * 1024;
const KNOWN_EVENTS = new Set<string>(Object.values(WS_CLIENT_EVENTS));

export interface InvalidFrame {
  readonly field: string;
  readonly expected: string;
}

type WsData = string | Buffer | ArrayBuffer | Buffer[];

function toText(data: WsData): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function invalid(field: string, expected: string): { event: string; data: InvalidFrame } {
  return { event: INVALID_FRAME_EVENT, data: { field, expected } };
}

function byteLength(data: WsData): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

export function parseWsFrame(data: WsData): { event: string; data: unknown } {
  const size = byteLength(data);
  if (size > PROTOCOL_LIMITS.maxMessageBytes) {
    return invalid('frame', `at most ${PROTOCOL_LIMITS.maxMessageBytes} bytes, got ${size}`);
  }
  const text = toText(data);
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (err) {
    return invalid('frame', `valid JSON (${(err as Error).message})`);
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return invalid('frame', `a JSON object {"event": ..., "data": ...}, got ${describeReceived(frame)}`);
  }
  const { event, data: payload } = frame as { event?: unknown; data?: unknown };
  if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
    const got = event === undefined ? 'nothing' : describeReceived(event);
    return invalid('event', `one of ${[...KNOWN_EVENTS].map((e) => `"${e}"`).join(', ')}, got ${got}`);
  }
  return { event, data: payload };
}
