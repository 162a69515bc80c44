/**
 * Starts the real game server (real HTTP listener on loopback, real
 * WebSocket gateway) for a test, optionally in virtual time.
 */
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { VirtualClock, type Clock } from '@banana-market/engine';
import { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import type { MessageBus } from '../../src/bus/message-bus.js';
import { loadServerConfig, type ServerConfig } from '../../src/config/server-config.js';
import { GameService } from '../../src/game/game.service.js';
import type { XConnectionOptions } from '../../src/gibbs/x/x-connection-options.js';
import { createGameServer } from '../../src/server.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestServer {
  readonly app: NestExpressApplication;
  readonly url: string;
  readonly wsUrl: string;
  readonly bus: MessageBus;
  readonly config: ServerConfig;
  readonly game: GameService;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly bus?: MessageBus;
  /** Receives the server's log lines (default: errors to the console). */
  readonly logger?: LoggerService;
  /** How the X source reaches X (a fake's certificate, shorter waits). */
  readonly xConnection?: XConnectionOptions;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadServerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    GAME_SEED: 'test-seed',
    HOUSE_BOTS: '0',
    ...options.env,
  });
  const bus = options.bus ?? new EmbeddedBus({ now: options.clock ? () => options.clock!.now() : undefined });
  const app = await createGameServer({ config, clock: options.clock, bus, logger: options.logger ?? ['error'], xConnection: options.xConnection });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    bus,
    config,
    game: app.get(GameService),
    close: () => app.close(),
  };
}

export function virtualClock(): VirtualClock {
  return new VirtualClock(Date.UTC(2026, 10, 22, 10, 0, 0));
}

/** JSON over real HTTP, returning status and parsed body. */
export async function http(
  server: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}
