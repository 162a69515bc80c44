/**
 * The built game server as `npm start` runs it, in a child process of its
 * own: for the scoreboard's benchmark, screenshot and browser tests and the
 * bot runner's tests. It can be stopped (SIGTERM) or killed (SIGKILL) and
 * started again on the same port and data directory, as a coach's laptop
 * would. The parent's own game settings do not leak into it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN_JS = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  /** Ends the process (SIGTERM by default: the server saves and exits) and resolves when it has. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the built server with `env` over the defaults (any free port, loopback, no house bots, no data directory). */
export async function startServerProcess(env: Record<string, string> = {}, alsoBuilt: readonly string[] = []): Promise<ServerProcess> {
  for (const built of [MAIN_JS, ...alsoBuilt]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const adminToken = env.ADMIN_TOKEN ?? 'server-process-admin';
  const child: ChildProcess = spawn(process.execPath, [MAIN_JS], {
    env: { ...inheritedEnvironment(), PORT: '0', HOST: '127.0.0.1', HOUSE_BOTS: '0', ADMIN_TOKEN: adminToken, DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the game server did not start within 20 s:\n${output.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`the game server exited (${code}):\n${output.join('')}`)));
    child.stdout?.on('data', (d: Buffer) => {
      output.push(d.toString());
      const match = /open: (http:\/\/localhost:\d+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    adminToken,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** This process's environment without the game's own settings: a broker or rules set for other tests must not leak in. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const gameSetting = /^(KAFKA_|GAME_|GIBB|X_|TICK_MS$|HOUSE_BOTS$|ADMIN_TOKEN$|PORT$|HOST$|DATA_DIR$|SERVER_SECRET$|BANANA_TOKEN$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !gameSetting.test(name)));
}
