/**
 * A local fake of the X API v2 — a real HTTPS server on loopback — for the
 * endpoints the X source uses: the filtered stream (newline-delimited JSON
 * with keep-alive newlines), its rules, and recent search. Each stream
 * connection follows the next step of a script, so a test can make X answer
 * 429, drop the connection mid-stream, or refuse streaming to the token's
 * access level.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * twitter-api-v2 only speaks HTTPS, so the fake does too, with a self-signed
 * certificate for 127.0.0.1 kept beside it (test-only, never trusted elsewhere).
 */
const TLS_DIR = new URL('./fake-x-tls/', import.meta.url);
const certificate = readFileSync(new URL('cert.pem', TLS_DIR));
const privateKey = readFileSync(new URL('key.pem', TLS_DIR));

/** An HTTPS agent that trusts the fake's certificate (and only that one). */
export function agentTrustingFakeX(): Agent {
  return new Agent({ ca: certificate, keepAlive: false });
}

export interface FakeTweet {
  readonly id: string;
  readonly text: string;
  readonly created_at?: string;
}

export type StreamStep =
  /** 429 with the rate-limit headers X sends; the window resets `resetInSeconds` from now. */
  | { readonly kind: 'rate-limited'; readonly resetInSeconds: number }
  /** 403 as X answers a token whose access level has no filtered stream. */
  | { readonly kind: 'forbidden' }
  /** 200, then these raw lines (a tweet payload, '' for a keep-alive, anything malformed); then drop the socket or stay open. */
  | { readonly kind: 'stream'; readonly lines: readonly string[]; readonly drop: boolean };

export interface FakeRule {
  readonly id: string;
  readonly value: string;
  readonly tag?: string;
}

/** A stream line as X sends it for a tweet matching our rule. */
export function tweetLine(tweet: FakeTweet): string {
  return JSON.stringify({ data: tweet, matching_rules: [{ id: '1', tag: 'banana-market' }] });
}

export class FakeXApi {
  readonly rules: FakeRule[] = [];
  /** Every POST to the rules endpoint, as sent. */
  readonly ruleChanges: unknown[] = [];
  readonly searchRequests: URLSearchParams[] = [];
  readonly searchTweets: FakeTweet[] = [];
  /** Requests per endpoint path, including refused ones. */
  readonly hits = new Map<string, number>();
  /** Every Authorization header seen, to check what the client sends. */
  readonly authorizations = new Set<string>();
  private readonly openStreams = new Set<ServerResponse>();
  private readonly server: Server;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private nextRuleId = 100;

  constructor(
    private readonly expectedToken: string,
    private readonly streamSteps: StreamStep[] = [],
  ) {
    this.server = createServer({ cert: certificate, key: privateKey }, (request, response) => void this.route(request, response));
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `https://127.0.0.1:${port}`;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    // X sends a newline every 20 s on an idle stream; the fake is quicker, which the client must tolerate.
    this.keepAlive = setInterval(() => {
      for (const stream of this.openStreams) stream.write('\r\n');
    }, 100);
    return this;
  }

  /** Sends a line on every open stream connection. */
  push(line: string): void {
    for (const stream of this.openStreams) stream.write(`${line}\r\n`);
  }

  get openStreamCount(): number {
    return this.openStreams.size;
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const stream of this.openStreams) stream.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.hits.set(url.pathname, this.hitsOf(url.pathname) + 1);
    const authorization = request.headers.authorization ?? '';
    this.authorizations.add(authorization);
    if (authorization !== `Bearer ${this.expectedToken}`) {
      return json(response, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    if (url.pathname === '/2/tweets/search/stream/rules') return this.rulesEndpoint(request, response);
    if (url.pathname === '/2/tweets/search/stream' && request.method === 'GET') return this.streamEndpoint(response);
    if (url.pathname === '/2/tweets/search/recent' && request.method === 'GET') return this.searchEndpoint(url.searchParams, response);
    return json(response, 404, { title: 'Not Found Error', detail: `no ${request.method} ${url.pathname} in this fake` });
  }

  private async rulesEndpoint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET') {
      return json(
        response,
        200,
        this.rules.length > 0
          ? { data: this.rules, meta: { sent: new Date().toISOString(), result_count: this.rules.length } }
          : { meta: { sent: new Date().toISOString(), result_count: 0 } },
      );
    }
    const body = JSON.parse(await readBody(request)) as { add?: { value: string; tag?: string }[]; delete?: { ids: string[] } };
    this.ruleChanges.push(body);
    for (const rule of body.add ?? []) this.rules.push({ id: String(this.nextRuleId++), value: rule.value, tag: rule.tag });
    for (const id of body.delete?.ids ?? []) {
      const index = this.rules.findIndex((rule) => rule.id === id);
      if (index >= 0) this.rules.splice(index, 1);
    }
    return json(response, 200, {
      data: this.rules,
      meta: { sent: new Date().toISOString(), summary: { created: body.add?.length ?? 0, not_created: 0, valid: body.add?.length ?? 0, invalid: 0 } },
    });
  }

  private streamEndpoint(response: ServerResponse): void {
    const step = this.streamSteps.shift() ?? { kind: 'stream', lines: [], drop: false };
    if (step.kind === 'rate-limited') {
      const reset = Math.ceil(Date.now() / 1000) + step.resetInSeconds;
      response.setHeader('x-rate-limit-limit', '50');
      response.setHeader('x-rate-limit-remaining', '0');
      response.setHeader('x-rate-limit-reset', String(reset));
      return json(response, 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    }
    if (step.kind === 'forbidden') {
      return json(response, 403, {
        client_id: '123',
        detail:
          'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
        registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
        title: 'Client Forbidden',
        required_enrollment: 'Appropriate Level of API Access',
        reason: 'client-not-enrolled',
        type: 'https://api.twitter.com/2/problems/client-forbidden',
      });
    }
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    this.openStreams.add(response);
    response.on('close', () => this.openStreams.delete(response));
    for (const line of step.lines) response.write(`${line}\r\n`);
    if (step.drop) {
      // Let the client read what was sent, then cut the socket as a network failure would.
      setTimeout(() => {
        this.openStreams.delete(response);
        response.socket?.destroy();
      }, 50);
    }
  }

  private searchEndpoint(params: URLSearchParams, response: ServerResponse): void {
    this.searchRequests.push(params);
    const sinceId = params.get('since_id');
    const newer = this.searchTweets
      .filter((tweet) => sinceId === null || BigInt(tweet.id) > BigInt(sinceId))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    if (newer.length === 0) return json(response, 200, { meta: { result_count: 0 } });
    return json(response, 200, { data: newer, meta: { newest_id: newer[0].id, oldest_id: newer[newer.length - 1].id, result_count: newer.length } });
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
