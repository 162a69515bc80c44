/**
 * A real game server for the browser tests: the built server in its own
 * process (as `npm start` runs it), on the wall clock with a fast tick — the
 * browser lives in real time, so virtual time would only stall it. It can be
 * stopped and started again on the same port, as a coach restarting the
 * server would.
 */
import { spawnGameServer } from '../../tools/spawn-server.js';

export const ADMIN_TOKEN = 'scoreboard-test-admin';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startGameServer(
  options: { port?: number; seed?: string; tickMs?: number; houseBots?: number; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const server = await spawnGameServer({
    PORT: String(options.port ?? 0),
    ADMIN_TOKEN,
    GAME_SEED: options.seed ?? 'scoreboard-test',
    TICK_MS: String(options.tickMs ?? 100),
    HOUSE_BOTS: String(options.houseBots ?? 0),
    ...options.env,
  });
  return { url: server.url, port: server.port, close: () => server.stop() };
}

/** A JSON request over real HTTP: the status and the parsed body (or the text when it is not JSON). */
export async function http(
  server: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = options.body === undefined ? {} : { 'content-type': 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(new URL(path, server.url), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}
