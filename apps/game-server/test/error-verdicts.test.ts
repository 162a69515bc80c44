/**
 * The same order gets the same verdict and the same words on every path:
 * written raw to its Kafka action topic (the answer read wherever the engine
 * publishes it: txn-results, or txn-rejections where that topic exists), sent
 * as a WebSocket frame (the `error` frame, field paths under `data.`) and
 * posted over HTTP (the 400 body). One row per bad field of each action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, encode } from '@banana-market/protocol';
import type { BusMessage } from '../src/bus/message-bus.js';
import { ANSWER_TOPICS, messageOn, orderText, ROWS } from './support/error-verdicts.js';
import { http, startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

describe('error verdicts: Kafka, WebSocket and HTTP agree', () => {
  let server: TestServer;
  let token: string;
  let socket: TestSocket;
  const answers: BusMessage[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await server.bus.subscribe({
      groupId: 'error-verdicts-answers',
      topics: ANSWER_TOPICS,
      commitOffsets: false,
      onMessage: (m) => {
        answers.push(m);
      },
    });
    ({ socket, token } = await TestSocket.openAs(server, { team: 'VERDICT', name: 'http-ws' }));
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  /** The first answer under this trader key, wherever it was published. */
  async function kafkaAnswer(key: string): Promise<{ status: string; reason?: string }> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = answers.find((m) => m.key?.toString() === key);
      if (found !== undefined) return JSON.parse(found.value?.toString() ?? 'null');
      if (Date.now() > deadline) throw new Error(`no answer for ${key} on ${ANSWER_TOPICS.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  ROWS.forEach((r, i) => {
    const title = `${r.kind} · ${r.label} → ${r.verdict === 'ACCEPTED' ? 'ACCEPTED' : messageOn('kafka', r.verdict)}`;
    it(title, async () => {
      const spec = ACTIONS[r.kind];

      // Kafka: the raw order on the action topic, under a trader key of its own.
      const key = encode.traderKey({ team: 'VERDICT', name: `kafka-${i}` });
      await server.bus.publish(spec.topic.name, [{ key, value: orderText(r, `k-${i}`) }]);
      const kafka = await kafkaAnswer(key);

      // HTTP: the same JSON text as the body.
      const posted = await http(server, 'POST', `/api/actions/${spec.httpPath}`, { token, rawBody: orderText(r, `h-${i}`) });

      // WebSocket: the same JSON as the frame's data.
      const after = socket.frames.length;
      const wsTxnId = `w-${i}`;
      socket.sendRaw(`{"event":${JSON.stringify(spec.wsEvent)},"data":${orderText(r, wsTxnId)}}`);
      const frame = await socket.next((f) => f.event === 'error' || (f.event === 'txn-result' && f.data.txnId === wsTxnId), 5000, after);

      if (r.verdict === 'ACCEPTED') {
        expect(kafka).toMatchObject({ status: 'ACCEPTED', type: spec.txnType });
        expect(posted.status).toBe(200);
        expect(posted.body).toMatchObject({ status: 'ACCEPTED', txnId: `h-${i}` });
        expect(frame).toMatchObject({ event: 'txn-result', data: { status: 'ACCEPTED', txnId: wsTxnId } });
        return;
      }
      expect(kafka).toMatchObject({ status: 'REJECTED', reason: messageOn('kafka', r.verdict) });
      expect(posted.status).toBe(400);
      expect(posted.body).toMatchObject({ statusCode: 400, message: messageOn('http', r.verdict) });
      expect(posted.body.problems).toEqual([{ field: r.verdict.field === '' ? 'body' : r.verdict.field, expected: r.verdict.expected }]);
      expect(frame.event).toBe('error');
      expect(frame.data.message).toBe(messageOn('ws', r.verdict));
      expect(frame.data.message).not.toMatch(/data\.:/);
    });
  });

  it.each([
    ['an array', '[1]', 'expected a JSON object, got an array'],
    ['a string', '"feed me"', 'expected a JSON object, got the string "feed me"'],
  ])('the whole value: %s', async (label, text, expected) => {
    const key = encode.traderKey({ team: 'VERDICT', name: `kafka-whole-${label.replace(/\W/g, '')}` });
    await server.bus.publish(ACTIONS.feed.topic.name, [{ key, value: text }]);
    expect(await kafkaAnswer(key)).toMatchObject({ status: 'REJECTED', reason: `(value): ${expected}` });
    const posted = await http(server, 'POST', '/api/actions/feed', { token, rawBody: text });
    expect(posted).toMatchObject({ status: 400, body: { message: `body: ${expected}` } });
    const after = socket.frames.length;
    socket.sendRaw(`{"event":"feed","data":${text}}`);
    expect((await socket.next((f) => f.event === 'error', 5000, after)).data.message).toBe(`data: ${expected}`);
  });

  it('an oversized order: the limit and the size on every path (HTTP: 413)', async () => {
    const text = `{"monkeys":1,"txnId":"big","pad":"${'x'.repeat(20_000)}"}`;
    const bytes = Buffer.byteLength(text);
    const key = encode.traderKey({ team: 'VERDICT', name: 'kafka-oversized' });
    await server.bus.publish(ACTIONS.feed.topic.name, [{ key, value: text }]);
    expect(await kafkaAnswer(key)).toMatchObject({ status: 'REJECTED', reason: `(value): expected at most 16384 bytes, got ${bytes}` });
    const posted = await http(server, 'POST', '/api/actions/feed', { token, rawBody: text });
    expect(posted).toMatchObject({ status: 413, body: { message: `body: expected at most 16384 bytes, got ${bytes}` } });
    const frame = `{"event":"feed","data":${text}}`;
    const after = socket.frames.length;
    socket.sendRaw(frame);
    expect((await socket.next((f) => f.event === 'error', 5000, after)).data.message).toBe(
      `frame: expected at most 16384 bytes, got ${Buffer.byteLength(frame)}`,
    );
  });

  it('malformed JSON: "expected valid JSON" on every path', async () => {
    const text = '{"monkeys":1,';
    const key = encode.traderKey({ team: 'VERDICT', name: 'kafka-malformed' });
    await server.bus.publish(ACTIONS.feed.topic.name, [{ key, value: text }]);
    expect((await kafkaAnswer(key)).reason).toMatch(/^\(value\): expected valid JSON \(/);
    const posted = await http(server, 'POST', '/api/actions/feed', { token, rawBody: text });
    expect(posted.status).toBe(400);
    expect(posted.body.message).toMatch(/^body: expected valid JSON \(/);
    const after = socket.frames.length;
    socket.sendRaw(`{"event":"feed","data":${text}}`);
    expect((await socket.next((f) => f.event === 'error', 5000, after)).data.message).toMatch(/^frame: expected valid JSON \(/);
  });
});

describe('error verdicts: HTTP bodies that are not JSON', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = (await http(server, 'POST', '/api/traders', { body: { team: 'VERDICT', name: 'plain' } })).body.token;
  });
  afterAll(() => server?.close());

  const EXPECTED = 'body: expected a JSON body with content-type: application/json, got';

  it('says which content type came instead of JSON', async () => {
    const plain = await http(server, 'POST', '/api/actions/feed', { token, rawBody: '{"monkeys":1}', contentType: 'text/plain' });
    expect(plain).toMatchObject({ status: 400, body: { message: `${EXPECTED} text/plain`, problems: [{ field: 'body' }] } });
    const form = await http(server, 'POST', '/api/actions/feed', {
      token,
      rawBody: 'monkeys=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form).toMatchObject({ status: 400, body: { message: `${EXPECTED} application/x-www-form-urlencoded` } });
  });

  it('says when no content type came at all', async () => {
    const response = await fetch(`${server.url}/api/actions/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array(Buffer.from('{"monkeys":1}')),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: `${EXPECTED} no content-type` });
  });

  it('says when no body came at all', async () => {
    const empty = await http(server, 'POST', '/api/actions/market', { token });
    expect(empty).toMatchObject({ status: 400, body: { message: `${EXPECTED} no body` } });
  });

  it('still takes JSON with a charset', async () => {
    const ok = await http(server, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 }, contentType: 'application/json; charset=utf-8' });
    expect(ok).toMatchObject({ status: 200, body: { status: 'ACCEPTED' } });
  });
});
