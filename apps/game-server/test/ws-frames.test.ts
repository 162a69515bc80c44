/**
 * Bad WebSocket frames: each is answered by an `error` frame naming a real
 * field path (`data.shares`, `data`, `frame`, `event`, never `data.`), and
 * the socket stays open — oversized frames included, up to the socket's hard
 * cap, past which it closes with 1009.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_LIMITS } from '@banana-market/protocol';
import { WS_HARD_MAX_FRAME_BYTES } from '../src/live/ws-frame-parser.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

const FIELD_PATH = /^(frame|event|data(\.[A-Za-z]+)*): /;

describe('WebSocket frames', () => {
  let server: TestServer;
  let socket: TestSocket;

  beforeAll(async () => {
    server = await startTestServer();
    ({ socket } = await TestSocket.openAs(server, { team: 'FRAMES', name: 'fuzz' }));
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  async function answer(text: string | Buffer): Promise<string> {
    const after = socket.frames.length;
    if (typeof text === 'string') socket.sendRaw(text);
    else (socket as unknown as { socket: WebSocket }).socket.send(text);
    return (await socket.next((f) => f.event === 'error', 5000, after)).data.message;
  }

  it.each([
    ['{"event":"market","data":"BUY 1"}', 'data: expected a JSON object, got the string "BUY 1"'],
    ['{"event":"market","data":null}', 'data: expected a JSON object, got null'],
    ['{"event":"market","data":[]}', 'data: expected a JSON object, got an empty array'],
    ['{"event":"feed","data":7}', 'data: expected a JSON object, got 7'],
    ['{"event":"feed"}', 'data: is missing (expected a JSON object)'],
    ['{"event":"feed","data":{"monkeys":"1"}}', 'data.monkeys: expected an integer number of monkeys, got the string "1"'],
    ['{"event":"auth","data":{"token":5}}', 'data.token: expected the trader token string, got 5'],
    ['{"event":"auth","data":"t"}', 'data: expected a JSON object, got the string "t"'],
    ['{"event":"dance","data":{}}', /^event: expected one of "auth", .*, got the string "dance"$/],
    ['{"data":{}}', /^event: expected one of "auth", .*, got nothing$/],
    ['[1]', 'frame: expected a JSON object {"event": ..., "data": ...}, got an array'],
    ['not json', /^frame: expected valid JSON/],
  ])('answers %s', async (text, expected) => {
    const message = await answer(text);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('names a real field path for any action frame (fuzzed)', async () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 8 }),
      fc.constant([]),
      fc.dictionary(fc.constantFrom('type', 'shares', 'monkeys', 'invested', 'txnId', 'time', 'x'), fc.jsonValue({ maxDepth: 1 }), {
        maxKeys: 4,
      }),
    );
    const frames = fc.sample(fc.tuple(fc.constantFrom('market', 'invest', 'feed'), value), { numRuns: 300, seed: 505 });
    for (const [event, data] of frames) {
      const after = socket.frames.length;
      socket.send(event, data);
      const reply = await socket.next((f) => f.event === 'error' || f.event === 'txn-result', 5000, after);
      if (reply.event !== 'error') continue;
      expect(reply.data.message, JSON.stringify(data)).toMatch(FIELD_PATH);
      expect(reply.data.message).not.toMatch(/data\.:/);
    }
  });

  it('answers a frame over the protocol limit with the limit and keeps the socket open', async () => {
    for (const size of [PROTOCOL_LIMITS.maxMessageBytes + 1, 64 * 1024, 512 * 1024, WS_HARD_MAX_FRAME_BYTES]) {
      const frame = (pad: string) => `{"event":"feed","data":{"monkeys":1,"pad":"${pad}"}}`;
      const text = frame('x'.repeat(size - frame('').length));
      const bytes = Buffer.byteLength(text);
      expect(bytes).toBe(size);
      expect(await answer(text)).toBe(`frame: expected at most ${PROTOCOL_LIMITS.maxMessageBytes} bytes, got ${bytes}`);
      expect(await answer(Buffer.from(text))).toBe(`frame: expected at most ${PROTOCOL_LIMITS.maxMessageBytes} bytes, got ${bytes}`);
    }
    // Still open: a good action is answered.
    const after = socket.frames.length;
    socket.send('feed', { monkeys: 1, txnId: 'after-oversized' });
    expect((await socket.next((f) => f.event === 'txn-result' && f.data.txnId === 'after-oversized', 5000, after)).data.status).toBe('ACCEPTED');
  });

  it('closes the socket with 1009 past the hard cap', async () => {
    const ws = new WebSocket(server.wsUrl);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.alloc(WS_HARD_MAX_FRAME_BYTES + 1, 0x20));
    expect(await closed).toBe(1009);
  });
});
