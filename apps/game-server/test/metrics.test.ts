/**
 * GET /metrics: valid Prometheus text (parsed by a Prometheus text-format
 * parser), with the actions by path and status, the gateways' latency, the
 * WebSocket clients and the market's ticks, counting what was really done;
 * and the AsyncAPI document of the Kafka topics.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Parser } from '@asyncapi/parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { http, startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[];
}

describe('GET /metrics', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  const scrape = async (on: TestServer) => {
    const response = await fetch(`${on.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusTextFormat(await response.text()) as Family[];
  };
  const family = (families: Family[], name: string) => families.find((f) => f.name === name);
  const sampleOf = (families: Family[], name: string, labels: Record<string, string> = {}) =>
    Number(family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? 0);

  it('counts actions by path and status, their latency, the WebSocket clients and the ticks', async () => {
    server = await startTestServer({ env: { TICK_MS: '50', ACTION_RATE: '1', ACTION_BURST: '2' } });
    const before = await scrape(server);
    expect(sampleOf(before, 'banana_actions_total', { path: 'http', status: 'ACCEPTED' })).toBe(0);

    const token = (await http(server, 'POST', '/api/traders', { body: { team: 'METRIC', name: 'm' } })).body.token as string;
    const feed = () => http(server!, 'POST', '/api/actions/feed', { token, body: { monkeys: 1 } });
    expect((await feed()).status).toBe(200);
    expect((await feed()).status).toBe(200);
    expect((await feed()).status).toBe(429); // over the burst of 2
    const { socket } = await TestSocket.openAs(server, { team: 'METRIC', name: 'ws' });
    // The market ticks every 50 ms: wait for one to be counted.
    const after = await vi.waitFor(async () => {
      const families = await scrape(server!);
      expect(Number(family(families, 'banana_tick_seconds')?.metrics[0]?.buckets?.['+Inf'])).toBeGreaterThan(0);
      return families;
    });
    expect(sampleOf(after, 'banana_actions_total', { path: 'http', status: 'ACCEPTED' })).toBe(2);
    expect(sampleOf(after, 'banana_actions_total', { path: 'http', status: 'RATE_LIMITED' })).toBe(1);
    // (this parser keeps a histogram's buckets only: +Inf is its count)
    expect(family(after, 'banana_action_latency_seconds')).toMatchObject({ type: 'HISTOGRAM', metrics: [{ buckets: { '+Inf': '2' } }] });
    expect(sampleOf(after, 'banana_websocket_clients')).toBe(1);
    expect(family(after, 'banana_process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    socket.close();
    await vi.waitFor(async () => expect(sampleOf(await scrape(server!), 'banana_websocket_clients')).toBe(0));
  });

  it('serves the AsyncAPI document of the Kafka topics, linked from the API docs', async () => {
    server = await startTestServer({ env: { KAFKA_BROKERS: 'room-laptop:9092' } });
    const document = (await http(server, 'GET', '/api/asyncapi.json')).body;
    expect(document).toMatchObject({ asyncapi: '3.0.0', servers: { room: { host: 'room-laptop:9092' } } });
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const docs = await (await fetch(`${server.url}/api/docs-json`)).json();
    expect(docs.info.description).toContain('/api/asyncapi.json');
  });
});
