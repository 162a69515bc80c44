/**
 * A real game server for the browser tests, in this process, on the wall
 * clock with a fast tick: the browser lives in real time, so virtual time
 * would only stall it. It can be stopped and started again on the same port,
 * as a coach restarting the server would.
 */
import type { AddressInfo } from 'node:net';
import { loadServerConfig } from '../../../game-server/src/config/server-config.js';
import { createGameServer } from '../../../game-server/src/server.js';

export const ADMIN_TOKEN = 'scoreboard-test-admin';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startGameServer(
  options: { port?: number; seed?: string; tickMs?: number; houseBots?: number; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const config = loadServerConfig({
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    GAME_SEED: options.seed ?? 'scoreboard-test',
    TICK_MS: String(options.tickMs ?? 100),
    HOUSE_BOTS: String(options.houseBots ?? 0),
    ...options.env,
  });
  const app = await createGameServer({ config, logger: ['error'] });
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}

/** JSON over real HTTP, as the game server's own tests do it. */
export { http } from '../../../game-server/test/support/test-server.js';
