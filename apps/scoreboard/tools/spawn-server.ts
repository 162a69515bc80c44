/**
 * The built game server with the built scoreboard, in a child process: for
 * the benchmark, the screenshot and the browser tests (see the shared
 * tools/built-server/server-process.ts).
 */
import { fileURLToPath } from 'node:url';
import { startServerProcess, type ServerProcess } from '../../../tools/built-server/server-process.js';

const SCOREBOARD_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));

export type SpawnedServer = ServerProcess;

export function spawnGameServer(env: Record<string, string> = {}): Promise<SpawnedServer> {
  return startServerProcess({ ADMIN_TOKEN: 'scoreboard-tools-admin', ...env }, [SCOREBOARD_INDEX]);
}
