/**
 * The built game server as `npm start` runs it, in a child process: for the
 * benchmark, the screenshot and the browser tests (a real server process,
 * stopped and started again on the same port as a coach would).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN_JS = fileURLToPath(new URL('../../game-server/dist/main.js', import.meta.url));
const SCOREBOARD_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));

export interface SpawnedServer {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  stop(): Promise<void>;
}

export async function spawnGameServer(env: Record<string, string> = {}): Promise<SpawnedServer> {
  for (const built of [MAIN_JS, SCOREBOARD_INDEX]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const adminToken = env.ADMIN_TOKEN ?? 'scoreboard-tools-admin';
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** This process's environment without the game's own settings: a broker or rules set for other tests must not leak in. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  const gameSetting = /^(KAFKA_|GAME_|GIBB|X_|TICK_MS$|HOUSE_BOTS$|ADMIN_TOKEN$|PORT$|HOST$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !gameSetting.test(name)));
}
