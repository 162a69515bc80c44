/**
 * The built game server as `npm start` runs it, in a process of its own on a
 * data directory, for the bot runner's tests: it can be SIGKILLed and
 * started again on the same port and data, as a crashed laptop would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN_JS = fileURLToPath(new URL('../../../../apps/game-server/dist/main.js', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  const game = /^(KAFKA_|GAME_|GIBB|X_|TICK_MS$|HOUSE_BOTS$|ADMIN_TOKEN$|PORT$|HOST$|DATA_DIR$|SERVER_SECRET$)/;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !game.test(name)));
  const child: ChildProcess = spawn(process.execPath, [MAIN_JS], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', HOUSE_BOTS: '0', ADMIN_TOKEN: 'sdk-test-admin', TICK_MS: '100', ...env },
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
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
